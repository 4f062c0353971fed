package org.lesionseg.unet.core.modelfile;

import org.lesionseg.unet.core.model.UpConv2x2Block;
import org.lesionseg.unet.core.model.UNetConfig;
import org.lesionseg.unet.core.model.UNetBlock;
import org.lesionseg.unet.core.model.DiffusionUNetBlock;
import org.lesionseg.unet.core.model.FrequencyFilter;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;

/**
 * Checks the weights of a model file before DJL reads them, so that a damaged or crafted file can never make the
 * loader allocate more than the file holds, nor hand the engine arrays of impossible shapes.
 * <p>
 * DJL's parameter reader trusts the stream: a mutated count or shape makes it allocate arrays of that size
 * ({@code new long[n]}, a direct buffer of the declared byte length) before it notices that the data are missing,
 * and passes whatever shape it read to the engine. Here the stream is walked exactly as DJL 0.36 writes it for a
 * {@link UNetBlock}: every block's version and metadata, every parameter's name, type, shape and byte length.
 * Each shape must be the one the architecture in {@code model.json} implies, and every length must fit in the
 * bytes that are actually there. Only then does DJL read the stream. Nothing in the stream names a class, a path or
 * a URL, and nothing is looked up or run because of what it says.
 * <p>
 * The walk mirrors DJL's own reader; a test checks that it consumes exactly what DJL writes, so a DJL upgrade that
 * changes the format is caught by the build, not by users.
 */
final class WeightsCheck {

	/** A stream that does not have the layout the architecture implies; the message says where. */
	static final class Mismatch extends Exception {
		private static final long serialVersionUID = 1L;

		Mismatch(String message) {
			super(message);
		}
	}

	/** At most this many input shapes per block and dimensions per shape (DJL writes 1 shape of 4 dimensions). */
	private static final int MAX_SHAPES = 4;
	private static final int MAX_DIMENSIONS = 8;

	private final DataInputStream in;
	private final int end;
	private final Iterator<long[]> expected;
	private int position;

	private WeightsCheck(byte[] bytes, int offset, List<long[]> expectedShapes) {
		this.in = new DataInputStream(new ByteArrayInputStream(bytes, offset, bytes.length - offset));
		this.position = offset;
		this.end = bytes.length;
		this.expected = expectedShapes.iterator();
	}

	/**
	 * The shapes of a U-Net's parameters in the order DJL stores them ({@code block.getParameters()}): per double
	 * convolution a 3×3 kernel and BatchNorm's gamma, beta, running mean and running variance, twice; per up
	 * step a (in, out, 2, 2) kernel and a bias; the 1×1 head kernel and bias.
	 */
	static List<long[]> expectedShapes(UNetConfig config) {
		List<long[]> shapes = new ArrayList<>();
		int depth = config.depth();
		long in = config.inputChannels();
		for (int level = 0; level < depth; level++) {
			doubleConv(shapes, in, config.featuresAt(level));
			in = config.featuresAt(level);
		}
		doubleConv(shapes, in, config.featuresAt(depth));
		for (int level = depth - 1; level >= 0; level--) {
			long out = config.featuresAt(level);
			shapes.add(new long[] { config.featuresAt(level + 1), out, 2, 2 });
			shapes.add(new long[] { out });
			doubleConv(shapes, 2 * out, out);
		}
		shapes.add(new long[] { config.outputClasses(), config.featuresAt(0), 1, 1 });
		shapes.add(new long[] { config.outputClasses() });
		return shapes;
	}

	private static void doubleConv(List<long[]> shapes, long in, long out) {
		for (int conv = 0; conv < 2; conv++) {
			shapes.add(new long[] { out, conv == 0 ? in : out, 3, 3 });
			for (int stat = 0; stat < 4; stat++)
				shapes.add(new long[] { out });
		}
	}

	/** The bytes of float data the architecture needs: a lower bound for any valid weights of it. */
	static long expectedDataBytes(UNetConfig config) {
		return expectedDataBytes(expectedShapes(config));
	}

	static long expectedDataBytes(List<long[]> shapes) {
		long total = 0;
		for (long[] shape : shapes)
			total += 4 * elements(shape);
		return total;
	}

	private static long elements(long[] shape) {
		long n = 1;
		for (long d : shape)
			n *= d;
		return n;
	}

	/**
	 * Walks the parameter stream of {@code block} (built from {@code config}) that starts at {@code offset} and
	 * returns the offset just after it.
	 *
	 * @throws Mismatch naming the first thing that is not as DJL writes it for this architecture
	 */
	static int check(UNetBlock block, UNetConfig config, byte[] bytes, int offset) throws Mismatch {
		return check(block, expectedShapes(config), bytes, offset);
	}

	static int check(Block block, List<long[]> expectedShapes, byte[] bytes, int offset) throws Mismatch {
		WeightsCheck walk = new WeightsCheck(bytes, offset, expectedShapes);
		try {
			walk.block(block, "network");
		} catch (IOException e) {
			throw new Mismatch("the weights end too early (at byte " + walk.position + ")");
		}
		if (walk.expected.hasNext())
			throw new Mismatch("the weights hold fewer parameters than the architecture needs");
		return walk.position;
	}

	private void block(Block block, String where) throws IOException, Mismatch {
		int version = readByte();
		int wanted = versionOf(block, where);
		if (version != wanted)
			throw new Mismatch("block " + where + " has version " + version + " where " + wanted + " was expected");
		inputShapes(where);
		if (block instanceof SequentialBlock) {
			int flag = readByte(); // whether it returns intermediate results: a boolean
			if (flag != 0 && flag != 1)
				throw new Mismatch("block " + where + " has a malformed flag");
		} else if (block instanceof BatchNorm) {
			readLong(); // its channel count, which DJL keeps but does not allocate from
		} else if (block instanceof LambdaBlock) {
			return; // an activation: nothing more is stored
		}
		for (Parameter p : block.getDirectParameters().values())
			parameter(p, where);
		for (ai.djl.util.Pair<String, Block> child : block.getChildren())
			block(child.getValue(), where + "/" + child.getKey());
	}

	/** The version byte DJL 0.36 writes for each kind of block in a U-Net. */
	private static int versionOf(Block block, String where) throws Mismatch {
		if (block instanceof UNetBlock || block instanceof UpConv2x2Block || block instanceof DiffusionUNetBlock || block instanceof FrequencyFilter)
			return 1;
		if (block instanceof SequentialBlock || block instanceof Conv2d)
			return 3;
		if (block instanceof BatchNorm || block instanceof LambdaBlock || block instanceof Dropout)
			return 2;
		throw new Mismatch("block " + where + " is of an unknown kind " + block.getClass().getSimpleName());
	}

	private void inputShapes(String where) throws IOException, Mismatch {
		int count = readInt();
		if (count < 0 || count > MAX_SHAPES)
			throw new Mismatch("block " + where + " declares " + count + " input shapes");
		for (int i = 0; i < count; i++)
			shape(where);
	}

	/** Reads a shape: its dimensions (any values: they are not allocated from) and its layout letters. */
	private long[] shape(String where) throws IOException, Mismatch {
		int dimensions = readInt();
		if (dimensions < 0 || dimensions > MAX_DIMENSIONS)
			throw new Mismatch("a shape in " + where + " declares " + dimensions + " dimensions");
		long[] shape = new long[dimensions];
		for (int i = 0; i < dimensions; i++)
			shape[i] = readLong();
		int layout = readInt();
		if (layout < 0 || layout > MAX_DIMENSIONS)
			throw new Mismatch("a shape in " + where + " declares a layout of " + layout + " letters");
		for (int i = 0; i < layout; i++)
			readChar();
		return shape;
	}

	private void parameter(Parameter p, String where) throws IOException, Mismatch {
		String name = where + "/" + p.getName();
		if (readChar() != 'P' || readByte() != 1)
			throw new Mismatch("parameter " + name + " has no valid header");
		if (!p.getName().equals(readUtf()))
			throw new Mismatch("the parameter expected at " + name + " has another name");
		if (!"NDAR".equals(readUtf()) || readInt() != 3)
			throw new Mismatch("parameter " + name + " has no valid array header");
		if (readByte() == 1)
			readUtf(); // the array's name
		if (!"DENSE".equals(readUtf()) || !"FLOAT32".equals(readUtf()))
			throw new Mismatch("parameter " + name + " is not a dense 32-bit float array");
		long[] shape = shape(name);
		if (!expected.hasNext())
			throw new Mismatch("the weights hold more parameters than the architecture needs");
		long[] wanted = expected.next();
		if (!Arrays.equals(shape, wanted))
			throw new Mismatch("parameter " + name + " has the shape " + Arrays.toString(shape) + " where the architecture needs " + Arrays.toString(wanted));
		int order = readByte();
		if (order != '<' && order != '>')
			throw new Mismatch("parameter " + name + " has no valid byte order");
		long length = readInt();
		if (length != 4 * elements(wanted))
			throw new Mismatch("parameter " + name + " declares " + length + " bytes where its shape needs " + 4 * elements(wanted));
		if (length > end - position)
			throw new Mismatch("parameter " + name + " declares more bytes than the file holds");
		if (in.skipBytes((int) length) != length)
			throw new Mismatch("parameter " + name + " ends too early");
		position += (int) length;
	}

	private int readByte() throws IOException {
		int b = in.readByte();
		position += 1;
		return b;
	}

	private char readChar() throws IOException {
		char c = in.readChar();
		position += 2;
		return c;
	}

	private int readInt() throws IOException {
		int i = in.readInt();
		position += 4;
		return i;
	}

	private long readLong() throws IOException {
		long l = in.readLong();
		position += 8;
		return l;
	}

	private String readUtf() throws IOException {
		int before = in.available();
		String s = in.readUTF();
		position += before - in.available();
		return s;
	}
}
