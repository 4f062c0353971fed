package org.lesionseg.unet.workflow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.MaskPolicy;
import org.lesionseg.unet.core.data.Normalization;
import org.lesionseg.unet.core.data.Pairing;
import org.lesionseg.unet.core.data.Sample;

/**
 * Masks given as one folder per class ({@code masks/epidural/}, {@code masks/subdural/}, ... named as the classes),
 * each holding a binary mask per image: read into label images, label k where class k's mask is set (a pixel in
 * two classes' masks takes the later class).
 */
final class ClassFolders extends LabelledSource {

	private final Path images, masks;
	private final Pairing pairing;
	private final List<String> classes;

	private ClassFolders(Path images, Path masks, Pairing pairing, List<String> classes) {
		this.images = images;
		this.masks = masks;
		this.pairing = pairing;
		this.classes = classes;
		for (String c : classes)
			if (!Files.isDirectory(masks.resolve(c)))
				throw new UnetException(masks + " has class folders but none named " + c + ": give one mask folder per class, named " + String.join(", ", classes));
	}

	/**
	 * The training data of two folders: one folder per class when the masks folder holds a folder of any class's name,
	 * else the masks folder's own label images.
	 */
	static LabelledSource of(Path images, Path masks, Pairing pairing, List<String> classNames) {
		if (classNames != null && masks != null)
			for (String c : classNames)
				if (Files.isDirectory(masks.resolve(c)))
					return new ClassFolders(images, masks, pairing, classNames);
		return LabelledSource.folders(images, masks, pairing);
	}

	@Override
	public String description() {
		return images.toString();
	}

	@Override
	public List<Path> folders() {
		return List.of(images, masks);
	}

	/** The first class's set carries the images; every other class's masks are laid into its masks as labels. */
	@Override
	public LabelledImages read(Normalization normalization, MaskPolicy policy) {
		LabelledImages set = LabelledImages.fromFolders(images, masks.resolve(classes.get(0)), pairing, MaskPolicy.STRICT, normalization);
		Map<String, Sample> byName = new HashMap<>();
		for (Sample s : set.samples)
			byName.put(s.name(), s);
		for (int k = 2; k <= classes.size(); k++) {
			LabelledImages other = LabelledImages.fromFolders(images, masks.resolve(classes.get(k - 1)), pairing, MaskPolicy.STRICT, normalization);
			List<String> missing = new ArrayList<>(byName.keySet());
			for (Sample s : other.samples) {
				missing.remove(s.name());
				if (!byName.containsKey(s.name()))
					throw new UnetException("class folder " + masks.resolve(classes.get(0)) + " has no mask for " + s.name()
						+ ": give every class a mask of every image (an empty one where the class is absent)");
				byte[] labels = byName.get(s.name()).maskData(), mask = s.maskData();
				for (int i = 0; i < labels.length; i++)
					if (mask[i] != 0)
						labels[i] = (byte) k;
			}
			if (!missing.isEmpty())
				throw new UnetException("class folder " + masks.resolve(classes.get(k - 1)) + " has no mask for " + missing.get(0)
					+ ": give every class a mask of every image (an empty one where the class is absent)");
		}
		set.masksFolder = masks.toAbsolutePath().toString();
		return set;
	}
}
