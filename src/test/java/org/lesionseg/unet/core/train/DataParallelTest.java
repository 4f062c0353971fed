package org.lesionseg.unet.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.lesionseg.unet.core.data.Batch;
import org.lesionseg.unet.core.engine.Devices;
import org.lesionseg.unet.core.loss.BceWithLogitsLoss;
import org.lesionseg.unet.core.model.UNetBlock;
import org.lesionseg.unet.core.model.UNetConfig;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.util.Pair;

/**
 * Several devices without a GPU: the CPU listed three times gives three real replicas (copies of every weight),
 * so the code path a multi-GPU machine takes runs here.
 */
class DataParallelTest {

	private static final Device[] THREE_CPUS = { Device.cpu(), Device.cpu(), Device.cpu() };

	@Test
	void slicesUseEverySampleOfTheBatch() {
		assertArrayEquals(new int[] { 6, 5, 5 }, DataParallel.sliceSizes(16, 3));
		assertArrayEquals(new int[] { 1, 1, 0 }, DataParallel.sliceSizes(2, 3));
		assertArrayEquals(new int[] { 4, 4 }, DataParallel.sliceSizes(8, 2));
	}

	/** With no BatchNorm the split is exact: 16 samples over 3 devices step as 16 samples on one. */
	@Test
	void everySampleContributesAsOnOneDevice() {
		Map<String, float[]> start, oneDevice, threeDevices;
		double lossOne, lossThree;
		try (Setup s = new Setup(conv(), new Shape(16, 1, 8, 8), TrainingOptimizer.Kind.SGD)) {
			start = s.values();
			lossOne = UNetTrainer.step(s.trainer, new BceWithLogitsLoss(), s.optimizer, batch(16, 1), null);
			oneDevice = s.values();
		}
		try (Setup s = new Setup(conv(), new Shape(16, 1, 8, 8), TrainingOptimizer.Kind.SGD)) {
			s.setValues(start);
			DataParallel parallel = new DataParallel(s.block, THREE_CPUS, s.trainer.getManager());
			lossThree = UNetTrainer.step(s.trainer, new BceWithLogitsLoss(), s.optimizer, batch(16, 1), parallel);
			threeDevices = s.values();
		}
		assertEquals(lossOne, lossThree, 1e-6, "the batch's loss");
		for (String name : start.keySet()) {
			assertNotEquals(start.get(name)[0], oneDevice.get(name)[0], name + " moved");
			assertArrayEquals(oneDevice.get(name), threeDevices.get(name), 1e-6f, name + " after one step on 1 and on 3 devices");
		}
	}

	/** A U-Net with BatchNorm and Adam: after the start and after every step each replica holds the block's values. */
	@Test
	void replicasHoldTheBlocksWeightsAfterEveryStep() {
		Block block = new UNetBlock(new UNetConfig().depth(2).baseFeatures(4).inputChannels(1).init(UNetConfig.Init.PYTORCH));
		try (Setup s = new Setup(block, new Shape(5, 1, 16, 16), TrainingOptimizer.Kind.ADAM)) {
			org.lesionseg.unet.core.model.WeightInit.pytorchDefault((UNetBlock) block, 7); // after the trainer exists, as the trainer does
			DataParallel parallel = new DataParallel(s.block, THREE_CPUS, s.trainer.getManager());
			assertReplicasEqual(s.block, parallel, "at the start");
			for (int step = 1; step <= 3; step++) {
				double loss = UNetTrainer.step(s.trainer, new BceWithLogitsLoss(), s.optimizer, batch(5, step), parallel);
				assertTrue(Double.isFinite(loss), "loss " + loss + " at step " + step);
				assertReplicasEqual(s.block, parallel, "after step " + step);
			}
		}
	}

	private static void assertReplicasEqual(Block block, DataParallel parallel, String when) {
		for (Pair<String, Parameter> p : block.getParameters()) {
			float[] own = p.getValue().getArray().toFloatArray();
			for (int d = 1; d < parallel.deviceCount(); d++)
				assertArrayEquals(own, parallel.replica(p.getValue(), d).toFloatArray(), p.getKey() + " on replica " + d + " " + when);
		}
	}

	private static Block conv() {
		return Conv2d.builder().setFilters(1).setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).build();
	}

	/** Random images (N, 1, side, side) with random 0/1 masks. */
	private static Batch batch(int n, long seed) {
		Random random = new Random(seed);
		int side = n == 16 ? 8 : 16;
		float[] images = new float[n * side * side], masks = new float[n * side * side];
		for (int i = 0; i < images.length; i++) {
			images[i] = random.nextFloat();
			masks[i] = random.nextFloat() > 0.5f ? 1f : 0f;
		}
		return new Batch(images, masks, n, 1, side, side, new ArrayList<>(Collections.nCopies(n, "b")));
	}

	/** A block with a trainer on the CPU and one of our optimizers, as the training sets them up. */
	private static final class Setup implements AutoCloseable {
		final Block block;
		final Model model;
		final Trainer trainer;
		final TrainingOptimizer optimizer;

		Setup(Block block, Shape input, TrainingOptimizer.Kind kind) {
			Devices.prepareThread();
			this.block = block;
			model = Model.newInstance("dp", Device.cpu());
			model.setBlock(block);
			optimizer = new TrainingOptimizer(kind, () -> 0.1f, 0f, 0.9f, block);
			trainer = model.newTrainer(new DefaultTrainingConfig(new BceWithLogitsLoss()).optOptimizer(optimizer).optDevices(new Device[] { Device.cpu() }));
			trainer.initialize(input);
		}

		Map<String, float[]> values() {
			Map<String, float[]> v = new LinkedHashMap<>();
			for (Pair<String, Parameter> p : block.getParameters())
				v.put(p.getKey(), p.getValue().getArray().toFloatArray());
			return v;
		}

		void setValues(Map<String, float[]> values) {
			for (Pair<String, Parameter> p : block.getParameters())
				p.getValue().getArray().set(values.get(p.getKey()));
		}

		@Override
		public void close() {
			trainer.close();
			model.close();
		}
	}
}
