package org.lesionseg.unet.core;

/**
 * An error whose message is written for the user: it says what is wrong and what to do, in one line.
 * Commands and the command line show {@link #getMessage()} and no stack trace.
 */
public class UnetException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public UnetException(String message) {
		super(message);
	}

	public UnetException(String message, Throwable cause) {
		super(message, cause);
	}
}
