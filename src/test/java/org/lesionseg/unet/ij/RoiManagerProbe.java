package org.lesionseg.unet.ij;

import ij.plugin.frame.RoiManager;

/**
 * Opens a ROI set in a hidden ImageJ ROI Manager and prints the count, then one name per line.
 * Run by {@link RoiSetsTest} in a separate JVM with a (virtual) display, because the ROI Manager is an
 * AWT frame and cannot be created when {@code java.awt.headless=true}.
 */
public final class RoiManagerProbe {

	private RoiManagerProbe() {
	}

	public static void main(String[] args) {
		RoiManager manager = new RoiManager(true);
		manager.runCommand("Open", args[0]);
		System.out.println(manager.getCount());
		for (int i = 0; i < manager.getCount(); i++)
			System.out.println(manager.getName(i) + "\t" + manager.getRoi(i).getPosition() + "\t" + manager.getRoi(i).getProperty("area"));
		System.exit(0);
	}
}
