/**
 * The model file: one .zip holding everything needed to use or continue a trained network.
 * <p>
 * Entries:
 * <ul>
 * <li>{@code weights.params}: the network weights, opaque bytes here (DJL's parameter format),
 * stored uncompressed;</li>
 * <li>{@code model.json}: a JSON object with the caller's metadata plus the keys the writer adds:
 * {@code format} ("lesionseg-unet-model"), {@code format_version} (1), {@code created} (ISO-8601
 * instant), {@code weights_bytes}, {@code weights_sha256} (lower-case hex) and {@code text_entries}
 * (the names of the text entries);</li>
 * <li>optional UTF-8 text entries named in {@code text_entries}, e.g. {@code history.csv}.</li>
 * </ul>
 * Two levels, one class each:
 * <ul>
 * <li>{@link org.lesionseg.unet.core.modelfile.ModelBundle}: the checked zip format above, knowing nothing of
 * networks (weights are opaque bytes); read by {@code ModelBundleReader}, which trusts nothing in the file, and
 * written atomically by {@code ModelBundleWriter};</li>
 * <li>{@link org.lesionseg.unet.core.modelfile.ModelFile}: a U-Net in such a file: its description
 * ({@link org.lesionseg.unet.core.modelfile.ModelInfo}), its weights (checked by
 * {@link org.lesionseg.unet.core.modelfile.WeightsCheck} before DJL reads them) and a checkpoint's training
 * state.</li>
 * </ul>
 * Every problem with a file is reported as a {@link org.lesionseg.unet.core.modelfile.ModelFileException}.
 */
package org.lesionseg.unet.core.modelfile;
