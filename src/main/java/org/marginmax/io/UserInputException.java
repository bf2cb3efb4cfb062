package org.marginmax.io;

/**
 * A mistake in what the user gave (a config, a data file, a checkpoint, a profile, a run directory, the disk it
 * writes to), as opposed to a bug. The CLI prints its message as one line and exits 2; the message names the file
 * and the fix. Every package's own input errors extend this class.
 */
public class UserInputException extends RuntimeException {
    public UserInputException(String message) { super(message); }

    public UserInputException(String message, Throwable cause) { super(message, cause); }
}
