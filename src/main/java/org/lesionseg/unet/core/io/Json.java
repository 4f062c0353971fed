package org.lesionseg.unet.core.io;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/** The one JSON style of the project: snake_case keys, readable output, NaN allowed for metrics not measured. */
public final class Json {

	public static final Gson GSON = new GsonBuilder().setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES).setPrettyPrinting()
		.serializeSpecialFloatingPointValues().disableHtmlEscaping().create();

	private Json() {
	}
}
