package org.lesionseg.unet.cli;

import org.lesionseg.unet.core.engine.EngineReport;

/** Where libtorch came from; the report itself lives in {@link EngineReport}, shared with the Fiji command. */
final class EngineInfo {

	private EngineInfo() {
	}

	static String libtorchLocation() {
		return EngineReport.libtorchLocation();
	}
}
