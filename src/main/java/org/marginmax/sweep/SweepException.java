package org.marginmax.sweep;

import org.marginmax.io.UserInputException;

/** A sweep spec, plan or run directory that cannot be used as it is: one line naming the file and the fix. */
public final class SweepException extends UserInputException {
    public SweepException(String message) { super(message); }
}
