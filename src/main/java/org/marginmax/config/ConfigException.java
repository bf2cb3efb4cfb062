package org.marginmax.config;

/** A bad experiment config: the message is one line naming the file, line, key and the fix. */
public final class ConfigException extends org.marginmax.io.UserInputException {
    public ConfigException(String message) { super(message); }
}
