package org.lesionseg.unet.core.interop;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.core.data.Normalization;
import org.lesionseg.unet.core.engine.DeviceChoice;
import org.lesionseg.unet.core.engine.Devices;
import org.lesionseg.unet.core.modelfile.ModelInfo;
import org.lesionseg.unet.core.predict.Segmenter;
import org.lesionseg.unet.core.predict.TileNetwork;
import org.lesionseg.unet.core.predict.TiledPredictor;

import ai.djl.Device;

/**
 * Opens networks trained elsewhere as {@link Segmenter}s, so that every prediction path (tiling, thresholds, objects,
 * ROIs, evaluation) treats them as our own model files: TorchScript files, described by {@link Description}, and
 * bioimage.io packages, which describe themselves.
 */
public final class ImportedModels {

	private ImportedModels() {
	}

	/** Default tile side for imported networks: they carry no training size. */
	public static final int DEFAULT_TILE = 256;

	/** What a TorchScript file does not say about itself; the user tells it (options, macro keys, script API). */
	public static final class Description {
		/** Input channels (1 grey, 3 RGB). */
		public int channels = 1;
		/** Input sizes must be multiples of this power of two (2^depth for a U-Net of that depth). */
		public int sizeMultiple = 16;
		/** How raw pixels become network input, as our own models do it. */
		public Normalization normalization = Normalization.SCALE_01;
		/** True when the output needs a sigmoid (logits), false when it is already a probability. */
		public boolean outputsLogits = true;

		public Description channels(int channels) {
			this.channels = channels;
			return this;
		}

		public Description sizeMultiple(int sizeMultiple) {
			this.sizeMultiple = sizeMultiple;
			return this;
		}

		public Description normalization(Normalization normalization) {
			this.normalization = normalization;
			return this;
		}

		public Description outputsLogits(boolean outputsLogits) {
			this.outputsLogits = outputsLogits;
			return this;
		}
	}

	/**
	 * Opens a TorchScript file or a bioimage.io package.
	 *
	 * @param format      TORCHSCRIPT or BIOIMAGEIO (AUTO is resolved from the path)
	 * @param description how to run a TorchScript file (ignored for packages, which carry their own)
	 * @throws UnetException for a file that cannot be read or a model that is not supported, naming the reason
	 */
	public static Segmenter open(Path path, ModelFormat format, Description description, DeviceChoice deviceChoice, TiledPredictor.Options tiling) {
		ModelFormat resolved = format.resolve(path);
		switch (resolved) {
			case TORCHSCRIPT:
				return torchScript(path, description, deviceChoice, tiling);
			case BIOIMAGEIO:
				return bioImageIo(BioImageIoPackage.read(path), deviceChoice, tiling);
			default:
				throw new UnetException(path + " is one of our model files: open it with new Segmenter(...)");
		}
	}

	private static Segmenter torchScript(Path path, Description d, DeviceChoice deviceChoice, TiledPredictor.Options tiling) {
		if (d.channels < 1)
			throw new UnetException("a TorchScript model needs at least 1 input channel, got " + d.channels);
		if (Integer.bitCount(d.sizeMultiple) != 1)
			throw new UnetException("the size multiple of a TorchScript model must be a power of two (16 for a U-Net of depth 4), got " + d.sizeMultiple);
		if (Files.isDirectory(path) || !Files.isRegularFile(path))
			throw new UnetException("the TorchScript file " + path + " does not exist");
		Device device = Devices.resolve(deviceChoice)[0];
		TorchScriptTileNetwork network;
		try (InputStream in = Files.newInputStream(path)) {
			network = new TorchScriptTileNetwork(in, path.getFileName().toString(), device, d.outputsLogits);
		} catch (IOException e) {
			throw new UnetException("cannot read " + path + ": " + e.getMessage(), e);
		}
		ModelInfo info = geometry(d.channels, d.sizeMultiple, d.sizeMultiple, d.normalization.key(), path.getFileName().toString());
		return segmenter(network, info, null, network, device, tiling, "TorchScript file " + path.getFileName() + " (" + d.channels + " channel(s), sizes multiple of "
			+ d.sizeMultiple + ", " + d.normalization.key() + ", " + (d.outputsLogits ? "logits" : "probabilities") + ")");
	}

	private static Segmenter bioImageIo(BioImageIoPackage p, DeviceChoice deviceChoice, TiledPredictor.Options tiling) {
		// the package's own preprocessing works on raw values: our normalisation stays out of its way
		ModelInfo info = geometry(p.channels, p.sizeStep, p.sizeMin, Normalization.NONE.key(), p.name);
		String source = "bioimage.io package '" + p.name + "' (format " + p.formatVersion + ", " + p.weightsFormat + " weights, preprocessing "
			+ p.preprocessingSteps() + (p.outputsLogits ? ", sigmoid" : "") + ")";
		if (p.weightsFormat.equals("onnx")) {
			OnnxTileNetwork network = new OnnxTileNetwork(p.weights(), p.outputsLogits, 0);
			return segmenter(network, info, p.preprocessing, network, Device.cpu(), tiling, source);
		}
		Device device = Devices.resolve(deviceChoice)[0];
		TorchScriptTileNetwork network = new TorchScriptTileNetwork(new ByteArrayInputStream(p.weights()), p.name, device, p.outputsLogits);
		return segmenter(network, info, p.preprocessing, network, device, tiling, source);
	}

	private static Segmenter segmenter(TileNetwork network, ModelInfo info, Segmenter.Preprocessing pre, AutoCloseable resources, Device device,
		TiledPredictor.Options tiling, String source) {
		try {
			return new Segmenter(network, info, pre, resources, device, tiling, source);
		} catch (RuntimeException e) {
			try {
				resources.close();
			} catch (Exception ignored) {
				// the first failure is the one to report
			}
			throw e;
		}
	}

	/** The geometry the tiler reads: channels, the size multiple as a depth, a default tile of at least the smallest size. */
	private static ModelInfo geometry(int channels, int multiple, int minSize, String normalization, String name) {
		ModelInfo info = new ModelInfo();
		info.inputChannels = channels;
		info.depth = Integer.numberOfTrailingZeros(multiple);
		int tile = Math.max(DEFAULT_TILE, minSize);
		info.trainingSize = (tile + multiple - 1) / multiple * multiple;
		info.inputScale = 1.0;
		info.normalization = normalization;
		info.inputMode = "imported";
		info.engine = name.toLowerCase(Locale.ROOT).endsWith(".onnx") ? "onnxruntime" : "imported";
		return info;
	}
}
