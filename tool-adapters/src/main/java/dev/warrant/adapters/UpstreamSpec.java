package dev.warrant.adapters;

import java.time.Duration;

/**
 * How to reach one upstream MCP server. The kinds are a closed set: a process spoken to over stdio, a
 * Streamable HTTP endpoint, or a legacy (2024-11-05) HTTP+SSE endpoint.
 *
 * <p>Names become tool prefixes in the gateway ({@code server__tool}), so they are short, lowercase and
 * never contain {@code "__"}.
 */
public sealed interface UpstreamSpec permits StdioUpstreamSpec, HttpUpstreamSpec, SseUpstreamSpec {

    /** The {@link #maxConcurrent()} of specs built without one. */
    int DEFAULT_MAX_CONCURRENT = 64;

    /** Unique name of the upstream: {@code [a-z0-9][a-z0-9_-]{0,31}} without {@code "__"}. */
    String name();

    /** How long one request may wait for its response before it fails with {@code TIMEOUT}. */
    Duration requestTimeout();

    /**
     * How many requests may be in flight to this upstream at once. A request beyond the limit is refused at
     * once with kind {@code UNAVAILABLE} (it does not queue): a slow upstream then sheds load instead of
     * holding every agent's call until its timeout.
     */
    int maxConcurrent();
}
