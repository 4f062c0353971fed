package org.lesionseg.unet.workflow;

import org.lesionseg.unet.workflow.options.Option;

/**
 * How an entry point spells an option in its messages, so that an error names the key the user actually typed:
 * {@code model_file} in a macro, {@code --model} on the command line (both from the option's one description).
 */
public enum Spelling {
	/** Fiji and ImageJ macro keys: {@code model_file}, {@code min_size}. */
	MACRO,
	/** Command-line flags: {@code --model}, {@code --min-size}. */
	COMMAND_LINE;

	public String of(Option<?> option) {
		return this == MACRO ? option.name() : option.commandLineFlag();
	}
}
