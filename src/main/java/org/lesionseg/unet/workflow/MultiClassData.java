package org.lesionseg.unet.workflow;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.MaskPolicy;
import org.lesionseg.unet.core.modelfile.TrainingSettings;

/** How a training's class count decides the reading of its masks: label images for K &gt; 1, 0/1 masks for binary. */
final class MultiClassData {

	private MultiClassData() {
	}

	/**
	 * The mask policy a training uses: {@link MaskPolicy#LABELS} for several classes (whatever was asked, label values
	 * must stay apart), the asked one for binary, where labels is refused in one line.
	 */
	static MaskPolicy maskPolicy(TrainingSettings settings, MaskPolicy asked) {
		if (settings.classes > 1)
			return MaskPolicy.LABELS;
		if (asked == MaskPolicy.LABELS)
			throw new UnetException("mask_policy labels reads label images of several classes: give classes=K (or class_names) with it, "
				+ "or use strict for binary masks");
		return asked;
	}

	/**
	 * The mask policy of an evaluation: label images for a multi-class model file, the asked one otherwise (a folder,
	 * an imported network, a file that cannot be read: its own loading reports the problem).
	 */
	static MaskPolicy evaluationPolicy(java.nio.file.Path model, MaskPolicy asked) {
		if (model == null || !java.nio.file.Files.isRegularFile(model))
			return asked;
		try {
			return org.lesionseg.unet.core.modelfile.ModelFile.readInfo(model).isMultiClass() ? MaskPolicy.LABELS : asked;
		} catch (RuntimeException notOurs) {
			return asked;
		}
	}
}
