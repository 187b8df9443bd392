package dev.warrant.policies;

import java.util.Locale;
import java.util.Map;

/**
 * How dangerous a tool is, exposed to policies as {@code risk("low"|"medium"|"high")}.
 */
public enum RiskTier {
    LOW, MEDIUM, HIGH;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RiskTier parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("unknown risk tier '" + value + "' (expected low, medium or high)");
        }
    }

    /**
     * Derives a tier from MCP tool annotations (docs/ARCHITECTURE.md §4.3): destructive or open-world tools are high,
     * read-only ones low, everything else medium. Destructive wins over read-only because annotations are
     * hints from the tool provider and the safer reading is the one that asks for more.
     */
    public static RiskTier fromAnnotations(Map<String, ?> annotations) {
        if (annotations == null) {
            return MEDIUM;
        }
        if (isTrue(annotations.get("destructiveHint")) || isTrue(annotations.get("openWorldHint"))) {
            return HIGH;
        }
        if (isTrue(annotations.get("readOnlyHint"))) {
            return LOW;
        }
        return MEDIUM;
    }

    private static boolean isTrue(Object value) {
        return Boolean.TRUE.equals(value);
    }
}
