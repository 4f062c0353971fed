package org.lesionseg.unet.core.interop;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;

/**
 * A small ONNX model written by the field numbers of {@code onnx.proto} (no generated classes): float tensors,
 * nodes with int/float/ints attributes, one float input and one float output whose dimensions may be named (dynamic).
 * Enough for convolutional networks; each message is serialised to bytes and nested as a length-delimited field.
 * <p>
 * Each message is written into an array of exactly its size (its fields are written twice: counted, then stored),
 * and weights go from float values straight into their message: the Java heap then holds the weights about three
 * times at the end of an export (weight messages, graph, model) instead of growing buffers and their copies. A
 * base-64 U-Net (124 MB of weights), exported at every validation where validation runs in onnxruntime, had taken
 * the training's heap to about 1 GB.
 */
public final class OnnxGraph {

	/** IR version 7 goes with opsets up to 13 (ONNX 1.8); every runtime that reads opset 13 reads it. */
	public static final int IR_VERSION = 7;
	public static final int OPSET = 13;
	private static final int FLOAT = 1;

	private final List<byte[]> nodes = new ArrayList<>();
	private final List<byte[]> initializers = new ArrayList<>();
	private final Map<String, String> metadata = new LinkedHashMap<>();
	private int counter;

	/** A fresh value name with the given prefix. */
	public String name(String prefix) {
		return prefix + "_" + (counter++);
	}

	/** Adds a constant float tensor (a weight) and returns its name. */
	public String constant(String name, float[] values, long... dims) {
		long size = 1;
		for (long d : dims)
			size *= d;
		if (size != values.length)
			throw new IllegalArgumentException(name + ": " + values.length + " values for shape of " + size);
		initializers.add(message(out -> {
			for (long d : dims)
				out.writeInt64(1, d);
			out.writeInt32(2, FLOAT);
			out.writeString(8, name);
			out.writeTag(9, WireFormat.WIRETYPE_LENGTH_DELIMITED); // raw_data: the floats in little-endian order
			out.writeUInt32NoTag(values.length * Float.BYTES);
			for (float v : values)
				out.writeFixed32NoTag(Float.floatToRawIntBits(v));
		}));
		return name;
	}

	/** A node attribute: one integer, one float or a list of integers. */
	public static final class Attribute {
		final byte[] bytes;

		private Attribute(byte[] bytes) {
			this.bytes = bytes;
		}

		public static Attribute ints(String name, long... values) {
			return new Attribute(message(out -> {
				out.writeString(1, name);
				for (long v : values)
					out.writeInt64(8, v);
				out.writeInt32(20, 7); // INTS
			}));
		}

		public static Attribute integer(String name, long value) {
			return new Attribute(message(out -> {
				out.writeString(1, name);
				out.writeInt64(3, value);
				out.writeInt32(20, 2); // INT
			}));
		}
	}

	/** Adds a node with one output, named after the operator, and returns the output's name. */
	public String node(String opType, List<String> inputs, Attribute... attributes) {
		return node(opType, name(opType.toLowerCase(java.util.Locale.ROOT)), inputs, attributes);
	}

	/** Adds a node whose one output has the given name (e.g. the graph's output). */
	public String node(String opType, String output, List<String> inputs, Attribute... attributes) {
		nodes.add(message(out -> {
			for (String in : inputs)
				out.writeString(1, in);
			out.writeString(2, output);
			out.writeString(3, output);
			out.writeString(4, opType);
			for (Attribute a : attributes)
				out.writeByteArray(5, a.bytes);
		}));
		return output;
	}

	/** A key and value stored in the model's metadata_props. */
	public void metadata(String key, String value) {
		metadata.put(key, value);
	}

	/**
	 * The model's bytes.
	 *
	 * @param input  name and shape of the graph input; a dimension below 0 is dynamic, named by {@code dimNames}
	 * @param output the value that is the graph output, with its shape the same way
	 */
	public byte[] model(String graphName, String input, long[] inputShape, String output, long[] outputShape, String[] dimNames, String producer,
		String version, String doc) {
		byte[] graph = message(out -> {
			for (byte[] n : nodes)
				out.writeByteArray(1, n);
			out.writeString(2, graphName);
			for (byte[] t : initializers)
				out.writeByteArray(5, t);
			out.writeByteArray(11, valueInfo(input, inputShape, dimNames));
			out.writeByteArray(12, valueInfo(output, outputShape, dimNames));
		});
		return message(out -> {
			out.writeInt64(1, IR_VERSION);
			out.writeString(2, producer);
			out.writeString(3, version);
			out.writeString(6, doc);
			out.writeByteArray(7, graph);
			out.writeByteArray(8, message(o -> {
				o.writeString(1, "");
				o.writeInt64(2, OPSET);
			}));
			for (Map.Entry<String, String> e : metadata.entrySet())
				out.writeByteArray(14, message(o -> {
					o.writeString(1, e.getKey());
					o.writeString(2, e.getValue());
				}));
		});
	}

	private static byte[] valueInfo(String name, long[] shape, String[] dimNames) {
		byte[] dims = message(out -> {
			for (int i = 0; i < shape.length; i++) {
				int axis = i;
				out.writeByteArray(1, message(o -> {
					if (shape[axis] >= 0)
						o.writeInt64(1, shape[axis]);
					else
						o.writeString(2, dimNames[axis]);
				}));
			}
		});
		byte[] tensorType = message(out -> {
			out.writeInt32(1, FLOAT);
			out.writeByteArray(2, dims);
		});
		return message(out -> {
			out.writeString(1, name);
			out.writeByteArray(2, message(o -> o.writeByteArray(1, tensorType)));
		});
	}

	private interface Fields {
		void write(CodedOutputStream out) throws IOException;
	}

	/** The message's bytes, in an array of exactly their length. */
	private static byte[] message(Fields fields) {
		try {
			ByteCounter counter = new ByteCounter();
			CodedOutputStream counting = CodedOutputStream.newInstance(counter);
			fields.write(counting);
			counting.flush();
			byte[] bytes = new byte[Math.toIntExact(counter.count)];
			CodedOutputStream out = CodedOutputStream.newInstance(bytes);
			fields.write(out);
			out.checkNoSpaceLeft();
			return bytes;
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/** Counts what is written to it and keeps nothing. */
	private static final class ByteCounter extends OutputStream {
		long count;

		@Override
		public void write(int b) {
			count++;
		}

		@Override
		public void write(byte[] b, int off, int len) {
			count += len;
		}
	}
}
