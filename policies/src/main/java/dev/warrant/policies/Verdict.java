package dev.warrant.policies;

import java.util.Optional;

/**
 * The outcome of one policy decision, with a stable reason code for clients, spans and the audit log.
 *
 * @param allowed whether the operation may proceed
 * @param reason  {@code allowed}, or a deny reason code such as {@code not_permitted}, {@code constraint_failed},
 *                {@code argument_limit}, {@code authorizer_limit}
 * @param detail  a short human explanation for logs (never contains the token)
 * @param policy  the statement that decided (the matched policy or the failed check, see
 *                {@code dev.warrant.delegation.Decision#policy}); empty when none did
 */
public record Verdict(boolean allowed, String reason, String detail, Optional<String> policy) {

    public static final String ALLOWED = "allowed";

    public Verdict {
        policy = policy == null ? Optional.empty() : policy;
    }

    public Verdict(boolean allowed, String reason, String detail) {
        this(allowed, reason, detail, Optional.empty());
    }

    public static Verdict allow() {
        return new Verdict(true, ALLOWED, "");
    }

    public static Verdict deny(String reason, String detail) {
        return new Verdict(false, reason, detail == null ? "" : detail);
    }

    /** The same verdict, naming the statement that made it. */
    public Verdict withPolicy(Optional<String> policy) {
        return new Verdict(allowed, reason, detail, policy);
    }
}
