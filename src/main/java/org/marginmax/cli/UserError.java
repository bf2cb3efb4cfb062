package org.marginmax.cli;

import org.marginmax.io.UserInputException;

/** A mistake in what the user asked for: printed as one line, exit code 2. */
public final class UserError extends UserInputException {
    public UserError(String message) { super(message); }
}
