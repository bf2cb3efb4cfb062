package org.marginmax.config;

import org.marginmax.io.UserInputException;

/** A bad experiment config: the message is one line naming the file, line, key and the fix. */
public final class ConfigException extends UserInputException {
    public ConfigException(String message) { super(message); }
}
