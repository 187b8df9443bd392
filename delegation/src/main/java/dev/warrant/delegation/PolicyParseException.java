package dev.warrant.delegation;

/** A policy file statement could not be parsed. {@link #getMessage()} reads {@code file:line: reason}. */
public final class PolicyParseException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String sourceName;
    private final int line;
    private final String reason;

    public PolicyParseException(String sourceName, int line, String reason) {
        super(sourceName + ":" + line + ": " + reason);
        this.sourceName = sourceName;
        this.line = line;
        this.reason = reason;
    }

    public String sourceName() {
        return sourceName;
    }

    /** 1-based line where the bad statement starts. */
    public int line() {
        return line;
    }

    /** The reason alone, without file and line. */
    public String reason() {
        return reason;
    }
}
