package org.marginmax.backend;

/** A bad CUDA profile or one that cannot run here: the message is one line naming the file and the fix. */
public final class CudaProfileException extends org.marginmax.io.UserInputException {
    public CudaProfileException(String message) { super(message); }
}
