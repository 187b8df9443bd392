package dev.warrant.delegation;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * The result of {@link VerifiedToken#authorize}. {@code reason} is {@link DenyReason#ALLOWED} exactly when
 * {@code allowed}; {@code detail} is a short human line (e.g. the failing check); {@code failedBlock} is the
 * token block whose check failed, when that is the reason.
 */
public record Decision(boolean allowed, DenyReason reason, String detail, OptionalInt failedBlock) {
    private static final Decision ALLOW = new Decision(true, DenyReason.ALLOWED, "allowed", OptionalInt.empty());

    public Decision {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(failedBlock, "failedBlock");
        if (allowed != (reason == DenyReason.ALLOWED)) {
            throw new IllegalArgumentException("allowed must go with reason ALLOWED, and only with it");
        }
    }

    public static Decision allow() {
        return ALLOW;
    }

    public static Decision deny(DenyReason reason, String detail) {
        return new Decision(false, reason, detail, OptionalInt.empty());
    }

    public static Decision deny(DenyReason reason, String detail, int failedBlock) {
        return new Decision(false, reason, detail, OptionalInt.of(failedBlock));
    }
}
