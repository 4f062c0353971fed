package org.lesionseg.unet.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lesionseg.unet.core.data.Batch;
import org.lesionseg.unet.core.loss.BceWithLogitsLoss;
import org.lesionseg.unet.core.model.UNetBlock;
import org.lesionseg.unet.core.model.UNetConfig;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.util.Pair;

/**
 * The optimizers against torch.optim: the expected weights below were printed by PyTorch 1.13 for the same start
 * weights and gradients (w0, GRADS), three steps each. Both the fused CPU pass and the generic array path must give
 * them, and both must clear the parameter's own gradient (PyTorch's autograd would otherwise keep adding to it).
 */
class TrainingOptimizerTest {

	private static final float[] W0 = { 0.5f, -1.25f, 2.0f, 0.0f };
	private static final float[][] GRADS = { { 0.1f, -0.2f, 0.3f, -0.4f }, { 0.05f, 0.5f, -0.25f, 1.0f }, { -0.3f, 0.1f, 0.2f, 0.0f } };
	private static final float TOLERANCE = 2e-6f;

	/** Runs three steps of one rule on W0 with GRADS; returns the weights after each step. */
	private static float[][] run(TrainingOptimizer.Kind kind, float lr, float weightDecay, float momentum, boolean fused) {
		return run(OptimizerSpec.of(kind, momentum, weightDecay, false), lr, fused);
	}

	private static float[][] run(OptimizerSpec spec, float lr, boolean fused) {
		try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
			TrainingOptimizer optimizer = new TrainingOptimizer(spec, () -> lr, unusedBlock());
			optimizer.setFusedCpu(fused);
			NDArray weight = manager.create(W0.clone());
			weight.setRequiresGradient(true);
			float[][] after = new float[GRADS.length][];
			for (int s = 0; s < GRADS.length; s++) {
				NDArray grad = manager.create(GRADS[s].clone());
				optimizer.update("w", weight, grad);
				after[s] = weight.toFloatArray();
				assertArrayEquals(new float[W0.length], weight.getGradient().toFloatArray(), "the weight's own gradient is cleared");
			}
			assertEquals(fused ? GRADS.length : 0, optimizer.fusedUpdates(), "updates that took the fused CPU pass");
			return after;
		}
	}

	private static Block unusedBlock() {
		return Linear.builder().setUnits(1).build();
	}

	private static void assertSteps(float[][] expected, float[][] actual) {
		for (int s = 0; s < expected.length; s++)
			assertArrayEquals(expected[s], actual[s], TOLERANCE, "step " + (s + 1));
	}

	@ParameterizedTest
	@ValueSource(booleans = { true, false })
	void adamGivesPyTorchsWeights(boolean fused) {
		float[][] torch = { { 0.400000006f, -1.14999998f, 1.89999998f, 0.100000001f }, { 0.306782037f, -1.1942215f, 1.89618778f, 0.0557784811f },
			{ 0.341504395f, -1.23949921f, 1.86442721f, 0.0215951167f } };
		assertSteps(torch, run(TrainingOptimizer.Kind.ADAM, 0.1f, 0f, 0.9f, fused));
	}

	@ParameterizedTest
	@ValueSource(booleans = { true, false })
	void adamWithL2WeightDecayGivesPyTorchsWeights(boolean fused) {
		float[][] torch = { { 0.400000036f, -1.14999998f, 1.89999998f, 0.100000001f }, { 0.304251015f, -1.16366458f, 1.84234238f, 0.055471696f },
			{ 0.317588001f, -1.17214632f, 1.76814771f, 0.020725254f } };
		assertSteps(torch, run(TrainingOptimizer.Kind.ADAM, 0.1f, 0.1f, 0.9f, fused));
	}

	@ParameterizedTest
	@ValueSource(booleans = { true, false })
	void adamWGivesPyTorchsWeights(boolean fused) {
		float[][] torch = { { 0.395000011f, -1.13749993f, 1.88f, 0.100000001f }, { 0.297832042f, -1.1703465f, 1.85738778f, 0.054778479f },
			{ 0.329576075f, -1.20392072f, 1.80705333f, 0.0200473294f } };
		assertSteps(torch, run(TrainingOptimizer.Kind.ADAMW, 0.1f, 0.1f, 0.9f, fused));
	}

	@ParameterizedTest
	@ValueSource(booleans = { true, false })
	void sgdWithMomentumGivesPyTorchsWeights(boolean fused) {
		float[][] torch = { { 0.49000001f, -1.23000002f, 1.97000003f, 0.0400000028f }, { 0.476000011f, -1.26199996f, 1.96800005f, -0.0239999965f },
			{ 0.493400007f, -1.30079997f, 1.94620001f, -0.0815999955f } };
		assertSteps(torch, run(TrainingOptimizer.Kind.MOMENTUM, 0.1f, 0f, 0.9f, fused));
	}

	@ParameterizedTest
	@ValueSource(booleans = { true, false })
	void nesterovWithWeightDecayGivesPyTorchsWeights(boolean fused) {
		float[][] torch = { { 0.480049998f, -1.20962501f, 1.93920004f, 0.0759999976f }, { 0.461132914f, -1.28511417f, 1.9570955f, -0.0817443877f },
			{ 0.505163431f, -1.32570136f, 1.91072822f, -0.133490637f } };
		assertSteps(torch, run(TrainingOptimizer.Kind.NESTEROV, 0.1f, 0.01f, 0.9f, fused));
	}

	@ParameterizedTest
	@ValueSource(booleans = { true, false })
	void plainSgdRmsPropAdaGradAndAdaDeltaGivePyTorchsWeights(boolean fused) {
		assertSteps(new float[][] { { 0.49000001f, -1.23000002f, 1.97000003f, 0.0400000028f }, { 0.485000014f, -1.27999997f, 1.995f, -0.0599999987f },
			{ 0.515000045f, -1.28999996f, 1.97500002f, -0.0599999987f } }, run(TrainingOptimizer.Kind.SGD, 0.1f, 0f, 0.9f, fused));
		assertSteps(new float[][] { { 0.400000095f, -1.1500001f, 1.9000001f, 0.0999999791f }, { 0.355098814f, -1.24291182f, 1.96420825f, 0.00708822161f },
			{ 0.448905587f, -1.2612704f, 1.9183352f, 0.00708822161f } }, run(TrainingOptimizer.Kind.RMSPROP, 0.01f, 0f, 0f, fused));
		assertSteps(new float[][] { { 0.399999976f, -1.14999998f, 1.89999998f, 0.100000009f }, { 0.355278611f, -1.24284768f, 1.96401846f, 0.00715233386f },
			{ 0.448982865f, -1.26110506f, 1.91843426f, 0.00715233386f } }, run(TrainingOptimizer.Kind.ADAGRAD, 0.1f, 0f, 0.9f, fused));
		assertSteps(new float[][] { { 0.496839315f, -1.24683809f, 1.99683785f, 0.00316217891f }, { 0.494755596f, -1.251019f, 1.99978912f, -0.00101894769f },
			{ 0.499329895f, -1.25218689f, 1.99722946f, -0.00101894769f } }, run(TrainingOptimizer.Kind.ADADELTA, 1.0f, 0f, 0.9f, fused));
	}

	/** A parameter of many chunks takes the parallel fused pass; it must agree with the array operations for every rule. */
	@Test
	void fusedPassAgreesWithArrayOperationsOnALargeParameter() {
		int n = 100_003; // not a multiple of the chunk
		Random random = new Random(3);
		float[] w0 = new float[n];
		float[][] grads = new float[3][n];
		for (int i = 0; i < n; i++) {
			w0[i] = (float) random.nextGaussian();
			for (float[] g : grads)
				g[i] = (float) (random.nextGaussian() * 0.1);
		}
		for (TrainingOptimizer.Kind kind : TrainingOptimizer.Kind.values()) {
			float[][] results = new float[2][];
			for (int path = 0; path < 2; path++)
				try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
					TrainingOptimizer optimizer = new TrainingOptimizer(kind, () -> 0.01f, 0.05f, 0.9f, unusedBlock());
					optimizer.setFusedCpu(path == 0);
					NDArray weight = manager.create(w0.clone());
					weight.setRequiresGradient(true);
					for (float[] g : grads)
						optimizer.update("w", weight, manager.create(g.clone()));
					assertEquals(path == 0 ? grads.length : 0, optimizer.fusedUpdates());
					results[path] = weight.toFloatArray();
				}
			for (int i = 0; i < n; i++)
				assertEquals(results[1][i], results[0][i], 1e-5f * Math.max(1f, Math.abs(results[1][i])), kind + " element " + i);
		}
	}

	/** A tiny U-Net with a trainer, its batch, and a copy of every parameter's start values. */
	private static final class TinyTraining implements AutoCloseable {
		final UNetBlock block = new UNetBlock(new UNetConfig().depth(1).baseFeatures(2).inputChannels(1));
		final TrainingOptimizer optimizer = new TrainingOptimizer(TrainingOptimizer.Kind.ADAM, () -> 0.01f, 0f, 0.9f, block);
		final Model model = Model.newInstance("tiny", Device.cpu());
		final Trainer trainer;

		TinyTraining() {
			model.setBlock(block);
			trainer = model.newTrainer(new DefaultTrainingConfig(new BceWithLogitsLoss()).optOptimizer(optimizer));
			trainer.initialize(new Shape(2, 1, 8, 8));
		}

		Map<String, float[]> values() {
			Map<String, float[]> v = new LinkedHashMap<>();
			for (Pair<String, Parameter> p : block.getParameters())
				v.put(p.getKey(), p.getValue().getArray().toFloatArray());
			return v;
		}

		void setValues(Map<String, float[]> v) {
			for (Pair<String, Parameter> p : block.getParameters())
				p.getValue().getArray().set(v.get(p.getKey()));
		}

		@Override
		public void close() {
			trainer.close();
			model.close();
		}
	}

	private static Batch batch(long seed) {
		Random random = new Random(seed);
		float[] images = new float[2 * 8 * 8], masks = new float[2 * 8 * 8];
		for (int i = 0; i < images.length; i++) {
			images[i] = random.nextFloat();
			masks[i] = random.nextFloat() > 0.5f ? 1f : 0f;
		}
		return new Batch(images, masks, 2, 1, 8, 8, new ArrayList<>(Collections.nCopies(2, "b")));
	}

	@Test
	void trainerStepLeavesNoGradientBehind() {
		try (TinyTraining t = new TinyTraining()) {
			for (int s = 0; s < 2; s++) {
				double loss = UNetTrainer.step(t.trainer, new BceWithLogitsLoss(), t.optimizer, batch(s), null);
				assertTrue(Double.isFinite(loss));
				assertTrue(t.optimizer.fusedUpdates() > 0, "the CPU update is the fused pass");
				for (Pair<String, Parameter> p : t.block.getParameters())
					if (p.getValue().requiresGradient()) {
						float[] grad = p.getValue().getArray().getGradient().toFloatArray();
						assertArrayEquals(new float[grad.length], grad, p.getKey() + " gradient after step " + (s + 1));
					}
			}
		}
	}

	/** The trainer's in-place update of all parameters equals DJL's trainer.step() path, which copies each gradient first. */
	@Test
	void updateAllEqualsDjlsTrainerStep() {
		Map<String, float[]> viaUpdateAll, viaTrainerStep;
		Map<String, float[]> start;
		BceWithLogitsLoss loss = new BceWithLogitsLoss();
		try (TinyTraining t = new TinyTraining()) {
			start = t.values();
			for (int s = 0; s < 3; s++)
				UNetTrainer.step(t.trainer, loss, t.optimizer, batch(s), null);
			viaUpdateAll = t.values();
		}
		try (TinyTraining t = new TinyTraining()) {
			t.setValues(start);
			for (int s = 0; s < 3; s++) {
				Batch b = batch(s);
				// a training step of DJL's own: oneDNN off around it where the trainer's steps have it off
				try (org.lesionseg.unet.core.engine.OneDnnSwitch.Scope step = org.lesionseg.unet.core.engine.OneDnnSwitch.trainingStep();
					NDManager m = t.trainer.getManager().newSubManager(); ai.djl.training.GradientCollector c = t.trainer.newGradientCollector()) {
					NDArray x = m.create(b.images, new Shape(b.imageShape()));
					NDArray y = m.create(b.masks, new Shape(b.maskShape()));
					c.backward(loss.evaluate(new ai.djl.ndarray.NDList(y), t.trainer.forward(new ai.djl.ndarray.NDList(x))));
				}
				t.trainer.step();
			}
			viaTrainerStep = t.values();
		}
		for (String name : start.keySet())
			assertArrayEquals(viaTrainerStep.get(name), viaUpdateAll.get(name), 1e-6f, name);
		// and the weights did move
		assertTrue(Math.abs(viaUpdateAll.get("05head_bias")[0] - start.get("05head_bias")[0]) > 1e-4f);
	}

	@Test
	void savedStateContinuesExactly() throws IOException {
		try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
			TrainingOptimizer first = new TrainingOptimizer(TrainingOptimizer.Kind.ADAM, () -> 0.1f, 0f, 0.9f, unusedBlock());
			NDArray weight = manager.create(W0.clone());
			weight.setRequiresGradient(true);
			first.update("w", weight, manager.create(GRADS[0].clone()));
			first.update("w", weight, manager.create(GRADS[1].clone()));
			ByteArrayOutputStream bytes = new ByteArrayOutputStream();
			first.saveState(new DataOutputStream(bytes));
			NDArray copy = manager.create(weight.toFloatArray());
			copy.setRequiresGradient(true);
			TrainingOptimizer resumed = new TrainingOptimizer(TrainingOptimizer.Kind.ADAM, () -> 0.1f, 0f, 0.9f, unusedBlock());
			resumed.loadState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), manager);
			first.update("w", weight, manager.create(GRADS[2].clone()));
			resumed.update("w", copy, manager.create(GRADS[2].clone()));
			// PyTorch's third Adam step from the same start
			float[] torch = { 0.341504395f, -1.23949921f, 1.86442721f, 0.0215951167f };
			assertArrayEquals(torch, weight.toFloatArray(), TOLERANCE);
			assertArrayEquals(weight.toFloatArray(), copy.toFloatArray(), 0f);
		}
	}

	/**
	 * RMSProp with momentum and centered, against torch.optim.RMSprop's update (_single_tensor_rmsprop) computed
	 * in double precision; the same computation gives the PyTorch-printed plain RMSProp weights above.
	 */
	@ParameterizedTest
	@ValueSource(booleans = { true, false })
	void rmsPropWithMomentumAndCenteredFollowsPyTorch(boolean fused) {
		assertSteps(new float[][] { { 0.4000001f, -1.15000005f, 1.90000003f, 0.099999975f }, { 0.265098905f, -1.15291185f, 1.87420823f, 0.0970881929f },
			{ 0.237494614f, -1.17389101f, 1.80512262f, 0.0944675889f } },
			run(OptimizerSpec.of(TrainingOptimizer.Kind.RMSPROP, 0.9f, 0f, false), 0.01f, fused));
		assertSteps(new float[][] { { 0.399496319f, -1.14949627f, 1.89949625f, 0.100503756f }, { 0.354187598f, -1.24255467f, 1.9637091f, 0.00744534622f },
			{ 0.448101204f, -1.26096266f, 1.91776259f, 0.00744534622f } },
			run(OptimizerSpec.of(TrainingOptimizer.Kind.RMSPROP, 0f, 0f, true), 0.01f, fused));
		assertSteps(new float[][] { { 0.399496315f, -1.14949627f, 1.89949625f, 0.100503756f }, { 0.262709919f, -1.15094116f, 1.86778157f, 0.0978857205f },
			{ 0.232748039f, -1.16875907f, 1.79035154f, 0.0954380187f } },
			run(OptimizerSpec.of(TrainingOptimizer.Kind.RMSPROP, 0.9f, 0.01f, true), 0.01f, fused));
	}

	/** The momentum buffer and the gradient average of a centred RMSProp travel with the checkpoint. */
	@Test
	void rmsPropStateWithMomentumAndCenteredContinuesExactly() throws IOException {
		OptimizerSpec spec = OptimizerSpec.of(TrainingOptimizer.Kind.RMSPROP, 0.9f, 0.01f, true);
		try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
			TrainingOptimizer first = new TrainingOptimizer(spec, () -> 0.01f, unusedBlock());
			NDArray weight = manager.create(W0.clone());
			weight.setRequiresGradient(true);
			first.update("w", weight, manager.create(GRADS[0].clone()));
			first.update("w", weight, manager.create(GRADS[1].clone()));
			ByteArrayOutputStream bytes = new ByteArrayOutputStream();
			first.saveState(new DataOutputStream(bytes));
			NDArray copy = manager.create(weight.toFloatArray());
			copy.setRequiresGradient(true);
			TrainingOptimizer resumed = new TrainingOptimizer(spec, () -> 0.01f, unusedBlock());
			resumed.loadState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), manager);
			first.update("w", weight, manager.create(GRADS[2].clone()));
			resumed.update("w", copy, manager.create(GRADS[2].clone()));
			assertArrayEquals(new float[] { 0.232748039f, -1.16875907f, 1.79035154f, 0.0954380187f }, weight.toFloatArray(), TOLERANCE);
			assertArrayEquals(weight.toFloatArray(), copy.toFloatArray(), 0f);
			// a plain RMSProp cannot take this state: one clear line instead of a broken resume
			TrainingOptimizer plain = new TrainingOptimizer(OptimizerSpec.of(TrainingOptimizer.Kind.RMSPROP, null, null, false), () -> 0.01f,
				unusedBlock());
			org.lesionseg.unet.core.UnetException e = org.junit.jupiter.api.Assertions.assertThrows(org.lesionseg.unet.core.UnetException.class,
				() -> plain.loadState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), manager));
			assertTrue(e.getMessage().contains("resume with the momentum and centered settings"), e.getMessage());
		}
	}

	/** Weight decay and momentum not given take the rule's own default, as torch.optim's do (AdamW: 0.01). */
	@Test
	void optimizerDefaultsAreTheRulesOwn() {
		assertEquals(0.01f, OptimizerSpec.of("adamw", null, null, false).weightDecay());
		assertEquals(0f, OptimizerSpec.of("adam", null, null, false).weightDecay());
		assertEquals(0f, OptimizerSpec.of("adamw", null, 0f, false).weightDecay(), "a weight decay given as 0 stays 0");
		assertEquals(0.9f, OptimizerSpec.of("momentum", null, null, false).momentum());
		assertEquals(0f, OptimizerSpec.of("rmsprop", null, null, false).momentum(), "PyTorch's RMSprop has no momentum by default");
		// AdamW left at its default decays the weights: PyTorch's first step from W0 with lr 0.1 and weight decay 0.01
		float[][] steps = run(OptimizerSpec.of("adamw", null, null, false), 0.1f, true);
		float[][] noDecay = run(TrainingOptimizer.Kind.ADAM, 0.1f, 0f, 0f, true);
		assertEquals(noDecay[0][2] * 1 - 0.1f * 0.01f * 2.0f, steps[0][2], 1e-6f);
		org.junit.jupiter.api.Assertions.assertThrows(org.lesionseg.unet.core.UnetException.class,
			() -> OptimizerSpec.of("adam", null, null, true), "centered is RMSProp's");
	}

	@Test
	void optimizerNamesAreRecognised() {
		assertEquals(TrainingOptimizer.Kind.MOMENTUM, TrainingOptimizer.Kind.fromName("SGD-Momentum"));
		assertEquals(TrainingOptimizer.Kind.NESTEROV, TrainingOptimizer.Kind.fromName("nag"));
		assertEquals(TrainingOptimizer.Kind.ADAMW, TrainingOptimizer.Kind.fromName("AdamW"));
		List<String> keys = new ArrayList<>();
		for (TrainingOptimizer.Kind k : TrainingOptimizer.Kind.values())
			keys.add(k.key());
		assertTrue(keys.contains("adadelta"));
	}
}
