package org.lesionseg.unet.core.train;

import org.lesionseg.unet.core.interop.OnnxTileNetwork;
import org.lesionseg.unet.core.modelfile.ModelInfo;
import org.lesionseg.unet.core.predict.TileNetwork;
import org.lesionseg.unet.core.predict.UNetTileNetwork;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;

/**
 * What a training optimises, the one part in which the model kinds differ: the loss of a batch and the network
 * that turns validation images into probabilities. Everything else (data, optimizer, schedule, validation scores,
 * checkpoints, resume, cancel) is the trainer's and the same for every kind.
 */
interface TrainingObjective {

	/**
	 * The batch's mean loss; inside a gradient collector it is recorded for the backward pass.
	 *
	 * @param training true in a training step (BatchNorm and Dropout train), false in validation
	 */
	NDArray loss(Trainer trainer, NDArray images, NDArray masks, boolean training);

	/** What predicts validation images, as prediction will (tiles of the network's kind). */
	TileNetwork predictionNetwork(Block block, NDManager manager, ModelInfo info);

	/** The U-Net's: logits, and the chosen segmentation loss on them. */
	static TrainingObjective segmentation(Loss loss) {
		return new TrainingObjective() {
			@Override
			public NDArray loss(Trainer trainer, NDArray images, NDArray masks, boolean training) {
				NDList logits = training ? trainer.forward(new NDList(images)) : trainer.evaluate(new NDList(images));
				return loss.evaluate(new NDList(masks), logits);
			}

			@Override
			public TileNetwork predictionNetwork(Block block, NDManager manager, ModelInfo info) {
				// where libtorch's fast CPU kernels are off (OneDnnSwitch), onnxruntime runs the same weights several times faster
				OnnxTileNetwork onnx = Validation.onnxWhereFaster(block, manager);
				if (onnx != null)
					return info.isMultiClass() ? onnx.softmaxMaps(info.outputClasses) : onnx;
				return new UNetTileNetwork(block, manager);
			}
		};
	}
}
