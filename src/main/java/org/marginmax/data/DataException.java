package org.marginmax.data;

import org.marginmax.io.UserInputException;

/**
 * A data problem the user can fix: a missing, truncated, corrupt or mismatching file, or a subset that cannot be
 * drawn. The message is one line naming the file (or setting) and what to do; the CLI prints it as it is.
 */
public final class DataException extends UserInputException {
    public DataException(String message) { super(message); }

    public DataException(String message, Throwable cause) { super(message, cause); }
}
