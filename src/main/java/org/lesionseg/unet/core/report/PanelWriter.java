package org.lesionseg.unet.core.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Saves panels as PNG files, {@code NAME_panel.png}, each written completely or not at all. */
public final class PanelWriter {

	/** The file name ending of a saved panel. */
	public static final String SUFFIX = "_panel.png";

	private PanelWriter() {
	}

	/**
	 * @return the files written, in the panels' order
	 * @throws org.lesionseg.unet.core.UnetException naming a file that cannot be written
	 */
	public static List<Path> write(Path folder, List<Panel> panels) {
		List<Path> files = new ArrayList<>(panels.size());
		for (Panel p : panels) {
			Path png = folder.resolve(p.name() + SUFFIX);
			Figures.writePng(png, p.image());
			files.add(png);
		}
		return files;
	}
}
