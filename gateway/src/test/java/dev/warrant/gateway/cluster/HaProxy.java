package dev.warrant.gateway.cluster;

import dev.warrant.gateway.ProcessPorts;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real HAProxy (Debian's package, installed by .ci/run) on loopback, round-robin over the given members'
 * agent ports, each checked with {@code GET /readyz}. A connection that cannot be made is retried on another
 * member (safe: nothing was sent); a request a member took and then lost is not retried (it may have acted).
 */
final class HaProxy implements AutoCloseable {

    private final Process process;
    private final int port;

    private HaProxy(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** @param port the balancer's own port (members must allow it as their Host) */
    static HaProxy roundRobin(Path dir, int port, int... backendPorts) throws Exception {
        List<String> lines = new ArrayList<>(List.of(
                "global",
                "  maxconn 2000",
                "defaults",
                "  mode http",
                "  option http-buffer-request",
                "  retries 3",
                "  retry-on conn-failure",
                "  option redispatch 1",
                "  timeout connect 2s",
                "  timeout client 60s",
                "  timeout server 60s",
                "  timeout tunnel 1h",
                "  default-server inter 300ms fall 2 rise 1",
                "frontend agents",
                "  bind 127.0.0.1:" + port,
                "  default_backend warrant",
                "backend warrant",
                "  balance roundrobin",
                "  option httpchk GET /readyz",
                "  http-check expect status 200"));
        for (int i = 0; i < backendPorts.length; i++) {
            lines.add("  server m" + i + " 127.0.0.1:" + backendPorts[i] + " check");
        }
        Path config = dir.resolve("haproxy.cfg");
        Files.writeString(config, String.join("\n", lines) + "\n");
        Process p = new ProcessBuilder(haproxy(), "-db", "-f", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("haproxy.log").toFile()))
                .start();
        HaProxy proxy = new HaProxy(p, port);
        try {
            ProcessPorts.awaitListening(port, p, "haproxy", Duration.ofSeconds(20));
        } catch (Exception e) {
            proxy.close();
            throw e;
        }
        return proxy;
    }

    private static String haproxy() {
        for (String candidate : List.of("/usr/sbin/haproxy", "/usr/bin/haproxy", "/usr/local/sbin/haproxy")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("haproxy is not installed: .ci/run installs it (apt-get install haproxy)");
    }

    /** CPU time the balancer has used so far (user + system). */
    Duration cpu() {
        return process.info().totalCpuDuration().orElseThrow(() -> new IllegalStateException("no CPU time for haproxy"));
    }

    URI mcpUrl() {
        return URI.create("http://127.0.0.1:" + port + "/mcp");
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + port);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
