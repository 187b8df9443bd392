package dev.warrant.gateway.cluster;

/** Some live member did not confirm a revocation in time: the promise cannot be given (admin API: 503). */
public final class RevocationIncompleteException extends Exception {

    public RevocationIncompleteException(String message) {
        super(message, null, false, false);
    }
}
