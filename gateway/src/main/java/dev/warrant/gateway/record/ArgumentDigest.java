package dev.warrant.gateway.record;

import dev.warrant.gateway.crypto.Sha256;
import io.vertx.core.json.JsonObject;

/**
 * The digest of a call's arguments that the audit log, receipts and pending approvals record: {@code sha256:} and the
 * hex SHA-256 of the arguments' JSON as sent. Lets auditors match calls without storing values; one place, so an
 * approval and the audit line of the call it let through always agree.
 */
public final class ArgumentDigest {

    private static final String PREFIX = "sha256:";

    private ArgumentDigest() {
    }

    /** Null for a call without arguments. */
    public static String of(Object arguments) {
        if (arguments == null) {
            return null;
        }
        String json = arguments instanceof JsonObject o ? o.encode() : String.valueOf(arguments);
        return PREFIX + Sha256.hex(json);
    }
}
