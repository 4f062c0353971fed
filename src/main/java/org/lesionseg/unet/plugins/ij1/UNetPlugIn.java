package org.lesionseg.unet.plugins.ij1;

import java.lang.reflect.Field;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.lesionseg.unet.plugins.BuildTrainingSet;
import org.lesionseg.unet.plugins.EvaluateUNet;
import org.lesionseg.unet.plugins.ExportUNet;
import org.lesionseg.unet.plugins.ReviewUNetSegmentation;
import org.lesionseg.unet.plugins.RoisToMasks;
import org.lesionseg.unet.plugins.SegmentFolderWithUNet;
import org.lesionseg.unet.plugins.SegmentWithUNet;
import org.lesionseg.unet.plugins.TrainUNet;
import org.lesionseg.unet.plugins.UNetCommand;
import org.lesionseg.unet.plugins.UNetEngineInfo;
import org.lesionseg.unet.plugins.UNetGpuSetup;
import org.scijava.ItemIO;
import org.scijava.plugin.Parameter;

import ij.ImagePlus;
import ij.plugin.PlugIn;

/**
 * The entry point of plain ImageJ 1 (without Fiji), registered in {@code plugins.config} under the same menu labels as
 * the SciJava commands, one entry per command: {@code UNetPlugIn("train")} runs {@link TrainUNet} and so on. It asks for
 * the command's keys in an ImageJ dialog ({@link CommandDialog}), which also reads macro options and records macros,
 * runs the very same command object, and opens the images the command produced. So
 * {@code run("Train UNet", "...")} behaves the same in ImageJ and in Fiji, where the SciJava command replaces this
 * entry under the same label. Every mistake is reported as by the command ({@link UNetCommand#reportError}).
 */
public class UNetPlugIn implements PlugIn {

	/** plugins.config argument → command. */
	public static final Map<String, Class<? extends UNetCommand>> COMMANDS;

	static {
		Map<String, Class<? extends UNetCommand>> m = new LinkedHashMap<>();
		m.put("train", TrainUNet.class);
		m.put("segment", SegmentWithUNet.class);
		m.put("segment_folder", SegmentFolderWithUNet.class);
		m.put("evaluate", EvaluateUNet.class);
		m.put("export", ExportUNet.class);
		m.put("build_training_set", BuildTrainingSet.class);
		m.put("rois_to_masks", RoisToMasks.class);
		m.put("review", ReviewUNetSegmentation.class);
		m.put("engine_info", UNetEngineInfo.class);
		m.put("gpu_setup", UNetGpuSetup.class);
		COMMANDS = Collections.unmodifiableMap(m);
	}

	@Override
	public void run(String arg) {
		Class<? extends UNetCommand> type = COMMANDS.get(arg);
		if (type == null) {
			UNetCommand.reportError("UNet", "unknown UNet command '" + arg + "' in plugins.config; known: " + COMMANDS.keySet());
			return;
		}
		UNetCommand command;
		try {
			command = type.getDeclaredConstructor().newInstance();
		} catch (ReflectiveOperationException e) {
			UNetCommand.reportError("UNet", "cannot create " + type.getSimpleName() + ": " + e);
			return;
		}
		if (!new CommandDialog(command).show())
			return;
		command.run();
		if (!command.isCanceled())
			showOutputs(command);
	}

	/** Opens the images the command gave as outputs (Fiji's display does this for the SciJava command). */
	static void showOutputs(UNetCommand command) {
		for (Field f : command.getClass().getDeclaredFields()) {
			Parameter p = f.getAnnotation(Parameter.class);
			if (p == null || p.type() != ItemIO.OUTPUT || f.getType() != ImagePlus.class)
				continue;
			try {
				f.setAccessible(true);
				ImagePlus imp = (ImagePlus) f.get(command);
				if (imp != null)
					imp.show();
			} catch (IllegalAccessException e) {
				UNetCommand.reportError(command.commandName(), "cannot show " + f.getName() + ": " + e);
			}
		}
	}
}
