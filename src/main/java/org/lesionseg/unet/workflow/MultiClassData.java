package org.lesionseg.unet.workflow;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.MaskPolicy;
import org.lesionseg.unet.core.modelfile.ModelInfo;
import org.lesionseg.unet.core.modelfile.TrainingSettings;

/** How a training's class count decides the reading of its masks: label images for K &gt; 1, 0/1 masks for binary; an evaluation reads them as its model's classes. */
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
	 * The mask policy of an evaluation: label images for a multi-class model (its classes are compared), the asked one
	 * otherwise, as for folders and open images alike.
	 */
	static MaskPolicy evaluationPolicy(ModelInfo model, MaskPolicy asked) {
		return model.isMultiClass() ? MaskPolicy.LABELS : asked;
	}
}
