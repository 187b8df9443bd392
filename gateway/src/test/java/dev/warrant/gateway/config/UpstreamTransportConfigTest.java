package dev.warrant.gateway.config;

import static dev.warrant.gateway.config.ConfigLoaderTest.KEYS;
import static dev.warrant.gateway.config.ConfigLoaderTest.parse;
import static dev.warrant.gateway.config.ConfigLoaderTest.refused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warrant.adapters.HttpUpstreamSpec;
import dev.warrant.adapters.SseUpstreamSpec;
import dev.warrant.adapters.StdioUpstreamSpec;
import dev.warrant.adapters.UpstreamSpec;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The upstream section's transports (stdio, http, sse) and per-upstream limits. */
class UpstreamTransportConfigTest {

    @Test
    void sseUpstreamsAndConcurrencyLimits() {
        GatewayConfig c = parse(KEYS + """
                upstreams:
                  - name: legacy
                    sse: { url: "http://127.0.0.1:3002/sse", headers: { Authorization: "Bearer ${env:UPSTREAM_TOKEN}" } }
                    timeout: PT5S
                    maxConcurrent: 4
                  - name: fs
                    stdio: { command: npx, args: [ server-filesystem, /srv ] }
                    maxConcurrent: 1
                  - name: web
                    http: { url: "http://127.0.0.1:3001/mcp" }
                """);
        assertThat(c.upstreams()).extracting(GatewayConfig.Upstream::spec).containsExactly(
                new SseUpstreamSpec("legacy", URI.create("http://127.0.0.1:3002/sse"),
                        Map.of("Authorization", "Bearer s3cret"), Duration.ofSeconds(5), 4),
                new StdioUpstreamSpec("fs", "npx", List.of("server-filesystem", "/srv"), Map.of(),
                        Duration.ofSeconds(60), 1),
                new HttpUpstreamSpec("web", URI.create("http://127.0.0.1:3001/mcp"), Map.of(), Duration.ofSeconds(60),
                        UpstreamSpec.DEFAULT_MAX_CONCURRENT));
        assertThat(UpstreamSpec.DEFAULT_MAX_CONCURRENT).isEqualTo(64);
    }

    @Test
    void badTransportsAndLimitsNameTheirSetting() {
        refused(KEYS + "upstreams: [ { name: a, sse: { url: \"http://h/sse\" }, http: { url: \"http://h/mcp\" } } ]\n",
                "upstreams[0]: exactly one of stdio, http or sse required");
        refused(KEYS + "upstreams: [ { name: a, sse: { url: \"ftp://h/sse\" } } ]\n", "upstreams[0]");
        refused(KEYS + "upstreams: [ { name: a, sse: { url: \"http://h/sse\", header: {} } } ]\n",
                "upstreams[0].sse.header");
        refused(KEYS + "upstreams: [ { name: a, sse: { url: \"http://h/sse\", headers: { Accept: x } } } ]\n",
                "upstreams[0]: header may not be configured: Accept");
        refused(KEYS + "upstreams: [ { name: a, stdio: { command: x }, maxConcurrent: 0 } ]\n",
                "upstreams[0]: maxConcurrent must be at least 1");
        refused(KEYS + "upstreams: [ { name: a, stdio: { command: x }, maxConcurrent: many } ]\n",
                "upstreams[0].maxConcurrent");
    }
}
