package dev.warrant.gateway.approval;

import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;

/**
 * An approver's free-text reason for approving or denying a held call. It reaches the agent (in a denial), the
 * console and the webhook's readers, so it is bounded and printable: at most {@value #MAX_CODE_POINTS} characters,
 * no control characters (line breaks included) and no bidirectional overrides that could make it read as
 * something else.
 */
public final class DecisionReason {

    public static final int MAX_CODE_POINTS = 500;

    private DecisionReason() {
    }

    /**
     * The reason to record: null for none (null or blank), else {@code text} stripped of surrounding spaces.
     *
     * @throws WarrantException {@link Reason#APPROVAL_REASON_INVALID} when it is too long or not printable
     */
    public static String check(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String reason = text.strip();
        if (reason.codePointCount(0, reason.length()) > MAX_CODE_POINTS) {
            throw WarrantException.of(Reason.APPROVAL_REASON_INVALID,
                    "a reason is at most " + MAX_CODE_POINTS + " characters");
        }
        boolean printable = reason.codePoints().allMatch(DecisionReason::printable);
        if (!printable) {
            throw WarrantException.of(Reason.APPROVAL_REASON_INVALID,
                    "a reason is one line of printable text (no control or bidirectional formatting characters)");
        }
        return reason;
    }

    private static boolean printable(int cp) {
        int type = Character.getType(cp);
        if (type == Character.CONTROL || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                || type == Character.SURROGATE || type == Character.UNASSIGNED || type == Character.PRIVATE_USE) {
            return false;
        }
        // Bidirectional embeddings, overrides and isolates (U+202A..U+202E, U+2066..U+2069).
        return !(cp >= 0x202A && cp <= 0x202E) && !(cp >= 0x2066 && cp <= 0x2069);
    }
}
