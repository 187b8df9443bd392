package dev.warrant.adapters;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * An upstream MCP server reached over the legacy HTTP+SSE transport (protocol 2024-11-05): a GET on
 * {@code url} opens an event stream whose first {@code endpoint} event names the URL to POST messages to;
 * responses and notifications arrive on the stream. Many servers written before 2025-03-26 speak only this.
 *
 * @param url the SSE endpoint, e.g. {@code http://127.0.0.1:3001/sse}
 * @param headers sent on the GET and on every POST: the upstream's credentials. The agent's token is never here.
 * @param maxConcurrent see {@link UpstreamSpec#maxConcurrent()}
 */
public record SseUpstreamSpec(String name, URI url, Map<String, String> headers, Duration requestTimeout,
        int maxConcurrent) implements UpstreamSpec {

    public SseUpstreamSpec {
        SpecChecks.name(name);
        SpecChecks.httpUrl(url);
        headers = SpecChecks.headers(headers);
        SpecChecks.timeout(requestTimeout);
        SpecChecks.maxConcurrent(maxConcurrent);
    }

    /** With the default concurrency limit. */
    public SseUpstreamSpec(String name, URI url, Map<String, String> headers, Duration requestTimeout) {
        this(name, url, headers, requestTimeout, DEFAULT_MAX_CONCURRENT);
    }

    /** Headers may carry credentials: keep their values out of logs. */
    @Override
    public String toString() {
        return "SseUpstreamSpec[name=" + name + ", url=" + url + ", headers=" + headers.keySet()
                + ", requestTimeout=" + requestTimeout + ", maxConcurrent=" + maxConcurrent + "]";
    }
}
