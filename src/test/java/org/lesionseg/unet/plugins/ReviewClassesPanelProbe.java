package org.lesionseg.unet.plugins;

import java.awt.Choice;
import java.awt.EventQueue;
import java.awt.event.ItemEvent;
import java.awt.event.KeyEvent;
import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import ij.IJ;
import ij.ImageJ;
import ij.ImagePlus;
import ij.gui.OvalRoi;
import ij.gui.Roi;
import ij.plugin.frame.RoiManager;

/**
 * The review panel of a two-class model in real ImageJ (run by {@link ReviewPanelTest} under Xvfb): the ROI Manager is
 * cleared, a square is added as a user adds a drawn ROI (it gets the class chosen), its class is changed with key 2, an
 * oval added gets class 2 and is set to class 1 through the chooser itself, then A accepts. Prints one
 * {@code step<TAB>name<TAB>chosen<TAB>ROI name|group|colour ...} line per step and the pixels of each ROI, and saves a
 * screenshot.
 *
 * <pre>
 * xvfb-run -a -s "-screen 0 1400x1050x24" java -cp ... org.lesionseg.unet.plugins.ReviewClassesPanelProbe MODEL.zip SETFOLDER shot.png
 * </pre>
 */
public final class ReviewClassesPanelProbe {

	private ReviewClassesPanelProbe() {
	}

	public static void main(String[] args) throws Exception {
		new ImageJ();
		Random random = new Random(5);
		List<Blobs.Picture> pictures = new ArrayList<>();
		for (int z = 0; z < 2; z++)
			pictures.add(Blobs.draw(64, 64, Arrays.asList(new Blobs.Disk(16, 18, 6), new Blobs.Disk(44, 40, 8)), random));
		ImagePlus imp = Blobs.stacks("classes", pictures)[0];
		ReviewPanel panel = ReviewPanelProbe.open(imp, 400, "model_file", new File(args[0]), "output_folder", new File(args[1]), "threshold", 0.3);
		RoiManager manager = RoiManager.getInstance2();
		System.out.println("plane\t" + panel.plane() + "\t" + panel.session().name(panel.plane()));
		EventQueue.invokeAndWait(manager::reset);
		// the user draws a square and adds it [t]: it gets the class chosen (the first)
		Roi square = new Roi(6, 8, 10, 10);
		EventQueue.invokeAndWait(() -> manager.add(imp, square, -1));
		IJ.wait(500);
		report("added", panel, manager);
		// selected and key 2: penumbra
		EventQueue.invokeAndWait(() -> manager.select(0));
		ReviewPanelProbe.press(panel, KeyEvent.VK_2);
		report("key2", panel, manager);
		// an oval added now is penumbra too; selected and set to core with the chooser
		Roi oval = new OvalRoi(30, 28, 20, 16);
		EventQueue.invokeAndWait(() -> manager.add(imp, oval, -1));
		IJ.wait(500);
		report("added2", panel, manager);
		EventQueue.invokeAndWait(() -> {
			manager.select(1);
			Choice chooser = panel.classChooser();
			chooser.select(0);
			chooser.dispatchEvent(new ItemEvent(chooser, ItemEvent.ITEM_STATE_CHANGED, chooser.getItem(0), ItemEvent.SELECTED));
		});
		IJ.wait(300);
		report("chooser", panel, manager);
		System.out.println("selection\t" + (imp.getRoi() == null ? "none" : imp.getRoi().getName() + "|" + imp.getRoi().getGroup()));
		System.out.println("pixels\t" + square.getContainedPoints().length + "\t" + oval.getContainedPoints().length);
		EventQueue.invokeAndWait(() -> {
			manager.deselect();
			imp.deleteRoi(); // the user clicks beside the outlines
		});
		ReviewPanelProbe.screenshot(imp, panel, manager, new File(args[2]));
		int plane = panel.plane();
		ReviewPanelProbe.press(panel, KeyEvent.VK_A);
		System.out.println("accepted\t" + panel.session().decision(plane) + "\t" + panel.session().name(plane));
		System.out.println("done");
		System.exit(0);
	}

	/** step, chosen class, then each manager ROI as name|group|colour, its name as the manager's list shows it. */
	private static void report(String step, ReviewPanel panel, RoiManager manager) {
		StringBuilder sb = new StringBuilder("step\t" + step + "\t" + panel.chosenClass());
		for (int i = 0; i < manager.getCount(); i++) {
			Roi r = manager.getRoi(i);
			sb.append('\t').append(manager.getName(i)).append('|').append(r.getGroup()).append('|')
				.append(r.getStrokeColor() == null ? "none" : String.format(java.util.Locale.ROOT, "#%06x", r.getStrokeColor().getRGB() & 0xffffff));
		}
		System.out.println(sb);
	}
}
