package org.lesionseg.unet.plugins;

import java.awt.Frame;
import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.Window;
import java.awt.event.ActionEvent;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import javax.imageio.ImageIO;

import ij.IJ;
import ij.ImageJ;
import ij.ImagePlus;
import ij.WindowManager;
import ij.gui.GenericDialog;

/**
 * Takes the screenshots of docs/screenshots from the real ImageJ window under a virtual display. Not a test: run it
 * by hand after "mvn package" and "./unet demo" (whose model segments the CT sample), for example
 *
 * <pre>
 * xvfb-run -a -s "-screen 0 1400x1050x24" java -Dplugins.dir=target/imagej -cp target/test-classes:$HOME/.m2/repository/net/imagej/ij/1.54p/ij-1.54p.jar \
 *     org.lesionseg.unet.plugins.Screenshots docs/screenshots demo-output/model.zip sample-data/ich-ct-bhsd/images/145017.png 0
 * </pre>
 *
 * The arguments are the output folder, the model to segment with, the image to segment and how many times to zoom
 * in on it. It takes a few minutes: it also trains 15 epochs on the CT sample to show the live plot.
 *
 * It only uses ImageJ's API (the plugin is loaded from plugins.dir, as a user's ImageJ loads it).
 */
public final class Screenshots {

	private Screenshots() {
	}

	public static void main(String[] args) throws Exception {
		Path out = Paths.get(args[0]);
		String model = Paths.get(args[1]).toAbsolutePath().toString();
		String segmentImage = Paths.get(args[2]).toAbsolutePath().toString();
		int zoomSteps = Integer.parseInt(args[3]);
		Path data = Paths.get("sample-data", "isles22-case0009").toAbsolutePath();
		Files.createDirectories(out);
		new ImageJ();
		IJ.wait(1000);

		ImagePlus slice = IJ.openImage(data.resolve("images/sub-strokecase0009_z039.png").toString());
		slice.show();
		IJ.wait(500);
		dialog("Train UNet", "", out.resolve("train-dialog.png"));
		dialog("Segment with UNet", "", out.resolve("segment-dialog.png"));

		// a short real training on the CT sample data (the demo's settings), to show the live plot
		Path tmp = Files.createTempDirectory("unet-shots");
		Path ct = Paths.get("sample-data", "ich-ct-bhsd").toAbsolutePath();
		IJ.run("Train UNet", "images_folder=[" + ct.resolve("images") + "] masks_folder=[" + ct.resolve("masks") + "] model_file=["
			+ tmp.resolve("m.zip") + "] epochs=15 image_size=128 base_features=16 batch_size=4 learning_rate=0.001 augment=[flip,rot90] seed=7");
		IJ.wait(1000);
		capture(findWindow("UNet training"), out.resolve("training-plot.png"));

		// the segmented slice with the ROI Manager's ROIs drawn on it (Show All)
		WindowManager.closeAllWindows();
		Window log = WindowManager.getWindow("Log");
		if (log != null)
			log.setVisible(false);
		shotSegmented(out, model, segmentImage, zoomSteps);
		System.exit(0);
	}

	private static void shotSegmented(Path out, String model, String segmentImage, int zoomSteps) throws Exception {
		ImagePlus z = IJ.openImage(segmentImage);
		z.show();
		IJ.wait(500);
		for (int i = 0; i < zoomSteps; i++)
			IJ.run(z, "In [+]", "");
		IJ.run("Segment with UNet", "image=[" + z.getTitle() + "] model_file=[" + model + "] threshold=0.5");
		IJ.wait(1000);
		Window image = z.getWindow();
		Window manager = findWindow("ROI Manager");
		manager.setLocation(image.getX() + image.getWidth() + 5, image.getY());
		Window objects = findWindow("UNet objects");
		objects.setBounds(image.getX(), image.getY() + image.getHeight() + 5, image.getWidth() + 5 + manager.getWidth(), 130);
		z.getWindow().toFront();
		z.updateAndRepaintWindow();
		IJ.wait(1500);
		Rectangle both = image.getBounds().union(manager.getBounds()).union(objects.getBounds());
		capture(both, out.resolve("segmented.png"));
	}

	/** Opens a command's dialog, captures it, then presses Cancel. */
	private static void dialog(String command, String options, Path png) throws Exception {
		Thread shooter = new Thread(() -> {
			try {
				GenericDialog gd = null;
				for (int i = 0; i < 100 && gd == null; i++) {
					IJ.wait(100);
					for (Window w : Window.getWindows())
						if (w instanceof GenericDialog && w.isVisible() && command.equals(((GenericDialog) w).getTitle()))
							gd = (GenericDialog) w;
				}
				IJ.wait(700);
				capture(gd, png);
				gd.actionPerformed(new ActionEvent(gd.getButtons()[1], ActionEvent.ACTION_PERFORMED, "Cancel"));
			} catch (Exception e) {
				e.printStackTrace();
				System.exit(1);
			}
		});
		shooter.start();
		try {
			IJ.run(command, options.isEmpty() ? null : options);
		} catch (RuntimeException e) {
			// Cancel ends the command as a cancelled macro
		}
		shooter.join();
	}

	private static Window findWindow(String title) {
		for (Window w : Window.getWindows())
			if (w.isVisible() && w instanceof Frame && title.equals(((Frame) w).getTitle()))
				return w;
		throw new IllegalStateException("no window titled " + title);
	}

	private static void capture(Window w, Path png) throws Exception {
		w.toFront();
		IJ.wait(300);
		capture(w.getBounds(), png);
	}

	private static void capture(Rectangle r, Path png) throws Exception {
		BufferedImage shot = new Robot().createScreenCapture(r);
		ImageIO.write(shot, "png", new File(png.toString()));
		System.out.println("wrote " + png + " " + r.width + "x" + r.height);
	}
}
