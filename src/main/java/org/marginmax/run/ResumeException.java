package org.marginmax.run;

import org.marginmax.io.UserInputException;

/** A run directory or checkpoint that cannot be used as it is (resumed, probed, measured); nothing was changed. */
public final class ResumeException extends UserInputException {
    public ResumeException(String message) { super(message); }
}
