package dev.warrant.gateway.console;

/** A console request refused for a {@link ConsoleReason}; the message is safe to show the operator. */
final class ConsoleRefusal extends RuntimeException {

    private final ConsoleReason reason;

    ConsoleRefusal(ConsoleReason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    ConsoleReason reason() {
        return reason;
    }
}
