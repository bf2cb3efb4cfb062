package org.marginmax.backend;

import org.marginmax.io.UserInputException;

/** A bad CUDA profile or one that cannot run here: the message is one line naming the file and the fix. */
public final class CudaProfileException extends UserInputException {
    public CudaProfileException(String message) { super(message); }
}
