package dev.warrant.delegation;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The result of {@link VerifiedToken#authorize}. {@code reason} is {@link DenyReason#ALLOWED} exactly when
 * {@code allowed}; {@code detail} is a short human line (e.g. the failing check); {@code failedBlock} is the
 * token block whose check failed, when that is the reason.
 *
 * <p>{@code policy} names the statement that decided, for spans and the audit log: the allow policy that
 * matched, the deny policy that matched, or — when a check failed — that check (the one {@code reason} is
 * about). Policy-set statements are named {@code <file>:<line>: <text>} (e.g.
 * {@code operator.datalog:9: deny if sensitive_path($p)}), token checks {@code block <n>, check <m>: <text>}.
 * Empty when no statement decided: no policy matched, a limit, a timeout, an evaluation error, or a denial
 * made before authorization.
 */
public record Decision(boolean allowed, DenyReason reason, String detail, OptionalInt failedBlock,
                       Optional<String> policy) {
    private static final Decision ALLOW = new Decision(true, DenyReason.ALLOWED, "allowed", OptionalInt.empty(),
            Optional.empty());

    public Decision {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(failedBlock, "failedBlock");
        Objects.requireNonNull(policy, "policy");
        if (allowed != (reason == DenyReason.ALLOWED)) {
            throw new IllegalArgumentException("allowed must go with reason ALLOWED, and only with it");
        }
    }

    public static Decision allow() {
        return ALLOW;
    }

    /** Allowed by the named allow policy. */
    public static Decision allow(String policy) {
        return ALLOW.withPolicy(policy);
    }

    public static Decision deny(DenyReason reason, String detail) {
        return new Decision(false, reason, detail, OptionalInt.empty(), Optional.empty());
    }

    public static Decision deny(DenyReason reason, String detail, int failedBlock) {
        return new Decision(false, reason, detail, OptionalInt.of(failedBlock), Optional.empty());
    }

    /** The same decision, naming the statement that made it. */
    public Decision withPolicy(String policy) {
        return new Decision(allowed, reason, detail, failedBlock, Optional.of(policy));
    }
}
