package org.marginmax.run;

import org.marginmax.io.UserInputException;

/** A run directory that cannot be used as asked (it holds another run, its files disagree): nothing was changed. */
public final class RunDirectoryException extends UserInputException {
    public RunDirectoryException(String message) { super(message); }
}
