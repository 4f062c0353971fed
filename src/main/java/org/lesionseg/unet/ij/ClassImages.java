package org.lesionseg.unet.ij;

import java.awt.image.IndexColorModel;
import java.util.List;

import org.lesionseg.unet.core.data.LabelClasses;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;
import ij.process.LUT;

/**
 * The images of a multi-class segmentation: the label image (8-bit, 0 background and 1..K, shown in the classes'
 * colours) and the class probabilities (32-bit, one channel per class, named after it).
 */
public final class ClassImages {

	private ClassImages() {
	}

	/**
	 * A stack of label planes with a lookup table of the class colours (background black), so the label values stay
	 * 0..K for measurements and thresholding while the classes show in their colours.
	 */
	public static ImagePlus labelImage(String title, List<byte[]> planes, int w, int h, Calibration cal, List<String> colours) {
		ImageStack stack = new ImageStack(w, h);
		for (byte[] plane : planes)
			stack.addSlice(null, new ByteProcessor(w, h, plane.clone()));
		ImagePlus imp = new ImagePlus(title, stack);
		imp.getProcessor().setLut(lut(colours));
		imp.getStack().setColorModel(imp.getProcessor().getColorModel());
		imp.setDisplayRange(0, 255);
		if (cal != null)
			imp.setCalibration(cal.copy());
		return imp;
	}

	/** Background black, class k in its colour, values above K grey. */
	static LUT lut(List<String> colours) {
		byte[] r = new byte[256], g = new byte[256], b = new byte[256];
		for (int v = 1; v < 256; v++) {
			int rgb = v <= LabelClasses.MAX_CLASSES ? LabelClasses.rgb(colours, v) : 0x808080;
			r[v] = (byte) (rgb >> 16);
			g[v] = (byte) (rgb >> 8);
			b[v] = (byte) rgb;
		}
		return new LUT(new IndexColorModel(8, 256, r, g, b), 0, 255);
	}

	/**
	 * The class probabilities as a hyperstack of K channels (class 1..K) by the planes, channel slices labelled with
	 * the class names.
	 *
	 * @param planes per plane the K+1 maps (map 0, the foreground, is left out)
	 */
	public static ImagePlus classProbabilities(String title, List<float[][]> planes, int w, int h, Calibration cal, List<String> names) {
		ImageStack stack = new ImageStack(w, h);
		for (float[][] maps : planes)
			for (int k = 1; k < maps.length; k++)
				stack.addSlice(names.get(k - 1), new FloatProcessor(w, h, maps[k].clone()));
		ImagePlus imp = new ImagePlus(title, stack);
		imp.setDimensions(names.size(), planes.size(), 1);
		if (names.size() > 1)
			imp.setOpenAsHyperStack(true);
		imp.setDisplayRange(0, 1);
		if (cal != null)
			imp.setCalibration(cal.copy());
		return imp;
	}
}
