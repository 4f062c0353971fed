package org.lesionseg.unet.ij;

import java.awt.Rectangle;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.io.AtomicFiles;

import ij.gui.Roi;
import ij.io.RoiDecoder;
import ij.io.RoiEncoder;

/**
 * Reads and writes ImageJ ROI sets: {@code .zip} files of {@code .roi} entries, the format of the ROI
 * Manager's "Save" and "Open".
 * <p>
 * The ROI Manager lists each ROI under its zip entry's name, so every entry is named after its ROI
 * ({@code name.roi}); unnamed ROIs get ImageJ's own label ({@code yyyy-xxxx} from the centre of the
 * bounds, {@code ssss-yyyy-xxxx} with a stack position) and repeated names get {@code -1}, {@code -2}, ...
 * as the ROI Manager does when saving. Files are written atomically. Nothing here needs a display.
 */
public final class RoiSets {

	private static final String ROI_SUFFIX = ".roi";

	private RoiSets() {
	}

	/**
	 * Writes the ROIs as a ROI set, in order. The given ROIs are not changed: each is saved as a copy
	 * named like its entry. An empty list gives a valid zip without entries (the ROI Manager reports
	 * such a file as containing no ROIs).
	 */
	public static void write(Path zip, List<Roi> rois) {
		List<String> names = entryNames(rois);
		AtomicFiles.write(zip, out -> {
			ZipOutputStream zos = new ZipOutputStream(out);
			for (int i = 0; i < rois.size(); i++) {
				Roi copy = (Roi) rois.get(i).clone();
				copy.setName(names.get(i));
				byte[] bytes = RoiEncoder.saveAsByteArray(copy);
				if (bytes == null)
					throw new UnetException("ImageJ could not encode ROI \"" + names.get(i) + "\" (" + copy + ") for " + zip
							+ ": remove or redraw that ROI");
				zos.putNextEntry(new ZipEntry(names.get(i) + ROI_SUFFIX));
				zos.write(bytes);
				zos.closeEntry();
			}
			zos.finish();
		});
	}

	/**
	 * Reads a ROI set ({@code .zip}) or a single {@code .roi} file. Each ROI is named as the ROI Manager
	 * would list it: after its entry, without {@code .roi}. Zip entries that are not {@code .roi} files
	 * are skipped, as the ROI Manager does.
	 *
	 * @throws UnetException if the file is missing, is not a ROI set or holds a ROI ImageJ cannot read
	 */
	public static List<Roi> read(Path file) {
		if (!Files.isRegularFile(file))
			throw new UnetException("ROI file " + file + " does not exist: check the path (ROI sets are .zip files saved by the ROI Manager)");
		String fileName = file.getFileName().toString();
		List<Roi> rois = new ArrayList<>();
		if (fileName.toLowerCase(Locale.ROOT).endsWith(ROI_SUFFIX)) {
			try {
				rois.add(decode(Files.readAllBytes(file), fileName, file));
			} catch (IOException e) {
				throw new UnetException("could not read ROI file " + file + " (" + e + "): check that it is readable", e);
			}
			return rois;
		}
		try (ZipFile zip = new ZipFile(file.toFile())) {
			Enumeration<? extends ZipEntry> entries = zip.entries();
			while (entries.hasMoreElements()) {
				ZipEntry entry = entries.nextElement();
				if (entry.isDirectory() || !entry.getName().toLowerCase(Locale.ROOT).endsWith(ROI_SUFFIX))
					continue;
				try (InputStream in = zip.getInputStream(entry)) {
					rois.add(decode(in.readAllBytes(), entry.getName(), file));
				}
			}
		} catch (IOException e) {
			throw new UnetException("could not read ROI set " + file + " (" + e + "): it must be a .zip of .roi files as saved by the ROI Manager", e);
		}
		return rois;
	}

	private static Roi decode(byte[] bytes, String entryName, Path file) {
		Roi roi;
		try {
			roi = new RoiDecoder(bytes, entryName).getRoi();
		} catch (IOException | RuntimeException e) {
			roi = null;
		}
		if (roi == null)
			throw new UnetException("entry " + entryName + " of " + file + " is not a ROI ImageJ can read: open the set in the ROI Manager and save it again");
		String name = entryName.substring(entryName.lastIndexOf('/') + 1);
		roi.setName(name.substring(0, name.length() - ROI_SUFFIX.length()));
		return roi;
	}

	/** The entry names (without {@code .roi}) that {@link #write} uses: ROI names made unique. */
	static List<String> entryNames(List<Roi> rois) {
		List<String> names = new ArrayList<>(rois.size());
		Set<String> used = new HashSet<>();
		for (Roi roi : rois) {
			if (roi == null)
				throw new IllegalArgumentException("ROI list contains null");
			String base = roi.getName();
			base = base == null || base.trim().isEmpty() ? imageJLabel(roi) : base.trim().replace('/', '_').replace('\\', '_');
			if (base.toLowerCase(Locale.ROOT).endsWith(ROI_SUFFIX))
				base = base.substring(0, base.length() - ROI_SUFFIX.length());
			String name = base;
			for (int n = 1; !used.add(name); n++)
				name = base + "-" + n;
			names.add(name);
		}
		return names;
	}

	/** The ROI Manager's label for an unnamed ROI: centre y and x (and slice), four digits or more. */
	static String imageJLabel(Roi roi) {
		Rectangle r = roi.getBounds();
		int xc = Math.max(0, r.x + r.width / 2);
		int yc = Math.max(0, r.y + r.height / 2);
		int slice = RoiConversion.stackPosition(roi);
		int digits = Math.max(4, Math.max(Integer.toString(xc).length(), Integer.toString(yc).length()));
		String format = "%0" + digits + "d";
		String label = String.format(Locale.ROOT, format + "-" + format, yc, xc);
		return slice > 0 ? String.format(Locale.ROOT, format, slice) + "-" + label : label;
	}
}
