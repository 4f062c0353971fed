package org.lesionseg.unet.ij;

import java.awt.EventQueue;

import org.lesionseg.unet.core.train.EpochRecord;

import ij.ImagePlus;
import ij.WindowManager;
import ij.gui.PlotWindow;

/**
 * Runs the window paths of {@link TrainingPlot} and {@link ResultsTables} with a (virtual) display and prints what
 * ImageJ's window manager then holds. Run by {@link TrainingPlotTest} in a child JVM under xvfb-run, because windows
 * cannot be made while the tests run with {@code java.awt.headless=true}.
 */
public final class ImageJWindowsProbe {

	private ImageJWindowsProbe() {
	}

	public static void main(String[] args) throws Exception {
		TrainingPlot plot = new TrainingPlot();
		for (int epoch = 1; epoch <= 4; epoch++)
			plot.epochDone(new EpochRecord(epoch, 1.0 / epoch, 1.1 / epoch, 0.1 * epoch, 0.1 * epoch, 0.1, 0.9, 1e-4, 1), 4, true, 4 - epoch);
		ResultsTables.show(ResultsTables.fromHistory(plot.history()), ResultsTables.HISTORY_TITLE);
		EventQueue.invokeAndWait(() -> {
			// let pending window events run
		});
		int[] ids = WindowManager.getIDList();
		System.out.println("images " + (ids == null ? 0 : ids.length));
		if (ids != null) {
			ImagePlus imp = WindowManager.getImage(ids[0]);
			PlotWindow window = (PlotWindow) imp.getWindow();
			System.out.println("title " + imp.getTitle());
			System.out.println("points " + window.getPlot().getDataObjectArrays(0)[0].length);
		}
		System.out.println("tables " + String.join(",", WindowManager.getNonImageTitles()));
		System.exit(0);
	}
}
