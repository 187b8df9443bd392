package dev.warrant.delegation;

import java.io.IOException;

/** A key file is missing, unreadable or garbled. The message is one line naming the file. */
public final class KeyFileException extends IOException {
    private static final long serialVersionUID = 1L;

    public KeyFileException(String message) {
        super(message);
    }

    public KeyFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
