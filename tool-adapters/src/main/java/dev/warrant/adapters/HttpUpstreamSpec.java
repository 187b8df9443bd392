package dev.warrant.adapters;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * An upstream MCP server reached over Streamable HTTP.
 *
 * @param url the MCP endpoint, e.g. {@code http://127.0.0.1:3001/mcp}
 * @param headers sent on every request (POST, GET and DELETE): the upstream's credentials from the gateway's
 *     configuration. The agent's token is never here.
 * @param maxConcurrent see {@link UpstreamSpec#maxConcurrent()}
 */
public record HttpUpstreamSpec(String name, URI url, Map<String, String> headers, Duration requestTimeout,
        int maxConcurrent) implements UpstreamSpec {

    public HttpUpstreamSpec {
        SpecChecks.name(name);
        SpecChecks.httpUrl(url);
        headers = SpecChecks.headers(headers);
        SpecChecks.timeout(requestTimeout);
        SpecChecks.maxConcurrent(maxConcurrent);
    }

    /** With the default concurrency limit. */
    public HttpUpstreamSpec(String name, URI url, Map<String, String> headers, Duration requestTimeout) {
        this(name, url, headers, requestTimeout, DEFAULT_MAX_CONCURRENT);
    }

    /** Headers may carry credentials: keep their values out of logs. */
    @Override
    public String toString() {
        return "HttpUpstreamSpec[name=" + name + ", url=" + url + ", headers=" + headers.keySet()
                + ", requestTimeout=" + requestTimeout + ", maxConcurrent=" + maxConcurrent + "]";
    }
}
