package org.lesionseg.unet.core.modelfile;

import org.lesionseg.unet.core.model.UNetConfig;
import org.lesionseg.unet.core.model.UNetBlock;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

/** The walk over DJL's parameter stream agrees with DJL exactly, and refuses what DJL would allocate blindly from. */
class WeightsCheckTest {

	private static final UNetConfig[] CONFIGS = { new UNetConfig().depth(1).baseFeatures(2), new UNetConfig().depth(2).baseFeatures(3).inputChannels(3),
		new UNetConfig().depth(3).baseFeatures(2).dropout(0.2f), new UNetConfig().depth(4).baseFeatures(1).inputChannels(2) };

	private static byte[] streamOf(UNetBlock block) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		block.saveParameters(new DataOutputStream(bytes));
		return bytes.toByteArray();
	}

	private static UNetBlock initialised(UNetConfig config, NDManager manager, int batch, int size) {
		UNetBlock block = new UNetBlock(config);
		block.initialize(manager, DataType.FLOAT32, new Shape(batch, config.inputChannels(), size, size));
		return block;
	}

	@Test
	void expectedShapesAreThoseDjlGivesTheParameters() {
		try (NDManager manager = NDManager.newBaseManager()) {
			for (UNetConfig config : CONFIGS) {
				List<long[]> expected = WeightsCheck.expectedShapes(config);
				List<Pair<String, Parameter>> actual = new java.util.ArrayList<>();
				initialised(config, manager, 1, 1 << config.depth()).getParameters().forEach(actual::add);
				assertEquals(actual.size(), expected.size(), config.toString());
				long bytes = 0;
				for (int i = 0; i < expected.size(); i++) {
					assertArrayEquals(actual.get(i).getValue().getArray().getShape().getShape(), expected.get(i), actual.get(i).getKey());
					bytes += 4 * actual.get(i).getValue().getArray().size();
				}
				assertEquals(bytes, WeightsCheck.expectedDataBytes(config));
			}
		}
	}

	@Test
	void theClassicUNetHasPyTorchsParameterCount() {
		// 31,036,481 trainable parameters with one input channel (PyTorch's count); BatchNorm's running
		// mean and variance add 2 × the channels of the 18 BatchNorms
		long all = WeightsCheck.expectedDataBytes(new UNetConfig()) / 4;
		long runningStats = 2 * 2 * (64 + 128 + 256 + 512 + 1024 + 512 + 256 + 128 + 64);
		assertEquals(31_036_481L, all - runningStats);
	}

	@Test
	void theWalkEndsExactlyWhereDjlsStreamEnds() throws IOException, WeightsCheck.Mismatch {
		try (NDManager manager = NDManager.newBaseManager()) {
			for (UNetConfig config : CONFIGS)
				for (int batch : new int[] { 1, 16 }) {
					byte[] stream = streamOf(initialised(config, manager, batch, 4 << config.depth()));
					assertEquals(stream.length, WeightsCheck.check(new UNetBlock(config), config, stream, 0), config.toString());
					byte[] prefixed = new byte[stream.length + 7];
					System.arraycopy(stream, 0, prefixed, 7, stream.length);
					assertEquals(prefixed.length, WeightsCheck.check(new UNetBlock(config), config, prefixed, 7));
				}
		}
	}

	/** The offset of the int that follows the first occurrence of the UTF string {@code marker} from {@code from}. */
	private static int after(byte[] stream, String marker, int from) {
		byte[] pattern = marker.getBytes(StandardCharsets.UTF_8);
		outer: for (int i = from; i + pattern.length <= stream.length; i++) {
			for (int j = 0; j < pattern.length; j++)
				if (stream[i + j] != pattern[j])
					continue outer;
			return i + pattern.length;
		}
		throw new AssertionError(marker);
	}

	@Test
	void countsAndSizesThatDjlWouldAllocateFromAreRefusedFirst() throws IOException {
		UNetConfig config = CONFIGS[0];
		byte[] valid;
		try (NDManager manager = NDManager.newBaseManager()) {
			valid = streamOf(initialised(config, manager, 1, 2));
		}
		// the first parameter: ... "FLOAT32", then the shape: int dimensions, longs, int layout letters, chars, byte order, int length
		int shapeAt = after(valid, "FLOAT32", 0);
		int lengthAt = shapeAt + 4 + 4 * 8 + 4 + 4 * 2 + 1;
		assertEquals(4 * 2 * 1 * 3 * 3, ByteBuffer.wrap(valid, lengthAt, 4).getInt(), "the first kernel's byte length");

		String[][] cases = { { "dimensions", Integer.toString(shapeAt) }, { "length", Integer.toString(lengthAt) } };
		for (String[] c : cases)
			for (int value : new int[] { Integer.MAX_VALUE, -1, 1 << 30, 0 }) {
				byte[] bad = valid.clone();
				ByteBuffer.wrap(bad, Integer.parseInt(c[1]), 4).putInt(value);
				WeightsCheck.Mismatch e = assertThrows(WeightsCheck.Mismatch.class, () -> WeightsCheck.check(new UNetBlock(config), config, bad, 0),
					c[0] + " " + value);
				assertTrue(e.getMessage().contains("network/"), e.getMessage());
			}
		// the number of input shapes of the network itself (right after its version byte)
		byte[] manyShapes = valid.clone();
		ByteBuffer.wrap(manyShapes, 1, 4).putInt(Integer.MAX_VALUE);
		WeightsCheck.Mismatch e = assertThrows(WeightsCheck.Mismatch.class, () -> WeightsCheck.check(new UNetBlock(config), config, manyShapes, 0));
		assertTrue(e.getMessage().contains("input shapes"), e.getMessage());
		// a kernel of another shape with the same number of values
		byte[] transposed = valid.clone();
		ByteBuffer.wrap(transposed, shapeAt + 4, 16).putLong(1).putLong(2);
		e = assertThrows(WeightsCheck.Mismatch.class, () -> WeightsCheck.check(new UNetBlock(config), config, transposed, 0));
		assertTrue(e.getMessage().contains("[1, 2, 3, 3]") && e.getMessage().contains("[2, 1, 3, 3]"), e.getMessage());
		// cut short
		e = assertThrows(WeightsCheck.Mismatch.class, () -> WeightsCheck.check(new UNetBlock(config), config, java.util.Arrays.copyOf(valid, valid.length - 3), 0));
		assertTrue(e.getMessage().contains("declares more bytes than the file holds") || e.getMessage().contains("end too early"), e.getMessage());
	}
}
