package dev.warrant.gateway.cli;

import dev.warrant.delegation.KeyFileException;
import dev.warrant.delegation.TokenException;
import dev.warrant.gateway.config.ConfigException;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Turns any failure into one line for stderr and an exit code. */
final class CliErrors {

    private CliErrors() {
    }

    /** Raised by commands for an expected failure whose message is already user-facing. */
    static final class CliFailure extends RuntimeException {
        final int exitCode;

        CliFailure(String message, int exitCode) {
            super(message, null, false, false);
            this.exitCode = exitCode;
        }
    }

    static String message(Throwable e) {
        if (e instanceof CliFailure || e instanceof ConfigException || e instanceof KeyFileException
                || e instanceof IllegalArgumentException) {
            return e.getMessage();
        }
        if (e instanceof TokenException t) {
            return "token refused (" + t.reason().code() + "): " + t.getMessage();
        }
        if (e instanceof UncheckedIOException u) {
            return u.getCause().getMessage();
        }
        if (e instanceof IOException) {
            return e.getMessage() == null ? e.toString() : e.getMessage();
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return m == null ? root.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }

    static int exitCode(Throwable e) {
        if (e instanceof CliFailure f) {
            return f.exitCode;
        }
        if (e instanceof ConfigException || e instanceof IllegalArgumentException || e instanceof TokenException
                || e instanceof KeyFileException) {
            return 2;
        }
        return 1;
    }
}
