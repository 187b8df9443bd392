package dev.warrant.adapters;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a 2026-07-28 upstream said about itself in its {@code server/discover} result, and the initialize result
 * the gateway's code reads from every upstream, made from it ({@link Upstream#initializeResult()}).
 */
record Discovery(Map<String, Object> capabilities, Object serverInfo, Object instructions) {

    /** The result's parts, or null when it does not offer 2026-07-28 (then the upstream is spoken to in 2025). */
    static Discovery of(Map<String, Object> result) {
        if (result == null || !(result.get("supportedVersions") instanceof List<?> versions)
                || !versions.contains(ModernWire.VERSION)) {
            return null;
        }
        Map<String, Object> meta = ProgressTokens.asMap(result.get(ProgressTokens.META));
        Map<String, Object> capabilities = new LinkedHashMap<>(ProgressTokens.asMap(result.get("capabilities")));
        return new Discovery(Collections.unmodifiableMap(capabilities), meta.get(ModernWire.META_SERVER_INFO),
                result.get("instructions"));
    }

    /** protocolVersion (2026-07-28: the era shows), capabilities, serverInfo and instructions. */
    Map<String, Object> initializeResult() {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("protocolVersion", ModernWire.VERSION);
        result.put("capabilities", capabilities);
        if (serverInfo != null) {
            result.put("serverInfo", serverInfo);
        }
        if (instructions != null) {
            result.put("instructions", instructions);
        }
        return Collections.unmodifiableMap(result);
    }

    /** The {@code subscriptions/listen} filter for the list changes the upstream offers; empty when none. */
    Map<String, Object> listenFilter() {
        Map<String, Object> filter = new LinkedHashMap<>();
        for (String feature : List.of("tools", "prompts", "resources")) {
            if (ProgressTokens.asMap(capabilities.get(feature)).get("listChanged") instanceof Boolean on && on) {
                filter.put(feature + "ListChanged", true);
            }
        }
        return filter;
    }
}
