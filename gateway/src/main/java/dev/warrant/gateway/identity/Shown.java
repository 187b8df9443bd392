package dev.warrant.gateway.identity;

/**
 * A token's own words (its {@code kid}, its {@code alg}) as they may appear in a refusal's detail, which reaches
 * the caller, the audit line and the log: at most 64 characters, and nothing but visible ASCII, so a crafted
 * header cannot forge log lines or blow up an audit record.
 */
final class Shown {

    static final int MAX = 64;

    private Shown() {
    }

    static String of(String untrusted) {
        StringBuilder out = new StringBuilder(Math.min(untrusted.length(), MAX) + 3);
        for (int i = 0; i < untrusted.length() && i < MAX; i++) {
            char c = untrusted.charAt(i);
            out.append(c > 0x20 && c < 0x7f ? c : '?');
        }
        return untrusted.length() > MAX ? out.append("...").toString() : out.toString();
    }
}
