package dev.warrant.gateway.modern;

import java.util.Set;

/** The client-to-server methods of the 2025 era that MCP 2026-07-28 removed: "method not found" there. */
public final class RemovedMethods {

    private RemovedMethods() {
    }

    /** The handshake, liveness, the session log level and resource subscriptions (now subscriptions/listen). */
    public static final Set<String> ALL = Set.of("initialize", "ping", "logging/setLevel", "resources/subscribe",
            "resources/unsubscribe");

    public static boolean contains(String method) {
        return ALL.contains(method);
    }
}
