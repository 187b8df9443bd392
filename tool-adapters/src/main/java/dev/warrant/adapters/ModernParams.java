package dev.warrant.adapters;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The params a 2026-07-28 request carries upstream: the caller's, with the envelope in {@code _meta} (version,
 * the gateway's client capabilities and info; there is no session to remember them), and the one rewrite every
 * upstream call makes, the progress token (see {@link Upstream#call}). Every other {@code _meta} key the caller
 * passed (trace context, a log level) goes along. The caller's maps are never modified.
 *
 * <p>The capabilities are the gateway's fixed set, plus the {@code extensions} the caller put in its own
 * {@code clientCapabilities}: an extension such as tasks is declared per request, for the agent whose request it is.
 */
final class ModernParams {

    private ModernParams() {
    }

    /**
     * @param upstreamToken the progress token to send instead of the caller's, or null when the caller has none
     * @param logLevel      the log level to ask for unless the caller named one, or null for none
     */
    static Map<String, Object> of(Map<String, Object> params, Object upstreamToken, String logLevel) {
        Map<String, Object> wire = params == null ? new LinkedHashMap<>() : new LinkedHashMap<>(params);
        Map<String, Object> meta = new LinkedHashMap<>(ProgressTokens.asMap(wire.get(ProgressTokens.META)));
        if (upstreamToken != null) {
            meta.put(ProgressTokens.TOKEN, upstreamToken);
        }
        meta.put(ModernWire.META_VERSION, ModernWire.VERSION);
        meta.put(ModernWire.META_CAPABILITIES, capabilities(meta.get(ModernWire.META_CAPABILITIES)));
        meta.put(ModernWire.META_CLIENT_INFO, Handshake.clientInfo());
        if (logLevel != null) {
            meta.putIfAbsent(ModernWire.META_LOG_LEVEL, logLevel);
        }
        wire.put(ProgressTokens.META, meta);
        return wire;
    }

    private static Map<String, Object> capabilities(Object callers) {
        if (!(callers instanceof Map<?, ?> c) || !(c.get("extensions") instanceof Map<?, ?> extensions)
                || extensions.isEmpty()) {
            return Handshake.CLIENT_CAPABILITIES;
        }
        Map<String, Object> merged = new LinkedHashMap<>(Handshake.CLIENT_CAPABILITIES);
        merged.put("extensions", extensions);
        return merged;
    }
}
