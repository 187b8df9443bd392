package dev.warrant.adapters;

import java.time.Duration;

/**
 * How to reach one upstream MCP server. The kinds are a closed set: a process spoken to over stdio, or a
 * Streamable HTTP endpoint.
 *
 * <p>Names become tool prefixes in the gateway ({@code server__tool}), so they are short, lowercase and
 * never contain {@code "__"}.
 */
public sealed interface UpstreamSpec permits StdioUpstreamSpec, HttpUpstreamSpec {

    /** Unique name of the upstream: {@code [a-z0-9][a-z0-9_-]{0,31}} without {@code "__"}. */
    String name();

    /** How long one request may wait for its response before it fails with {@code TIMEOUT}. */
    Duration requestTimeout();
}
