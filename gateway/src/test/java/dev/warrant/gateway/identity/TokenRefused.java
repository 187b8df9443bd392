package dev.warrant.gateway.identity;

import java.io.IOException;

/** The identity provider refused a token request; {@link #error()} is the RFC 6749 error code. */
public final class TokenRefused extends IOException {

    private final int status;
    private final String error;

    TokenRefused(int status, String error, String description) {
        super(status + " " + error + ": " + description);
        this.status = status;
        this.error = error;
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }
}
