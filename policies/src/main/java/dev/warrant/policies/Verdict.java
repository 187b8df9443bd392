package dev.warrant.policies;

/**
 * The outcome of one policy decision, with a stable reason code for clients, spans and the audit log.
 *
 * @param allowed whether the operation may proceed
 * @param reason  {@code allowed}, or a deny reason code such as {@code not_permitted}, {@code constraint_failed},
 *                {@code argument_limit}, {@code authorizer_limit}
 * @param detail  a short human explanation for logs (never contains the token)
 */
public record Verdict(boolean allowed, String reason, String detail) {

    public static final String ALLOWED = "allowed";

    public static Verdict allow() {
        return new Verdict(true, ALLOWED, "");
    }

    public static Verdict deny(String reason, String detail) {
        return new Verdict(false, reason, detail == null ? "" : detail);
    }
}
