package dev.warrant.loadtest;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The systems under test, started once for all runs and stopped together: the echo servers (2025 and 2026), a
 * proxy in front of each, the gateway (both upstreams) and the peer bridge, and for {@code warrant-jwt} the
 * issuer's key endpoint — only those the chosen scenarios need.
 */
final class Targets implements AutoCloseable {

    private final List<ChildProcess> processes = new ArrayList<>();
    private final Map<Scenario, URI> urls = new EnumMap<>(Scenario.class);

    /** @param issuer the JWT issuer Warrant accepts (its JWKS is served by a process of its own); only for warrant-jwt */
    static Targets start(Set<Scenario> scenarios, Path dir, Path nodeTools, Optional<JwtIssuer> issuer)
            throws Exception {
        Targets t = new Targets();
        try {
            int serverPort = ChildProcess.freePort();
            boolean warrant = scenarios.contains(Scenario.WARRANT_HTTP) || scenarios.contains(Scenario.WARRANT_STDIO)
                    || scenarios.contains(Scenario.WARRANT_2026) || scenarios.contains(Scenario.WARRANT_JWT);
            boolean needsServer = warrant || scenarios.contains(Scenario.DIRECT) || scenarios.contains(Scenario.PROXY);
            if (needsServer) {
                ChildProcess server = t.add(ChildProcess.start("echo-server",
                        ChildProcess.java(FastMcpServer.class.getName(), Integer.toString(serverPort)), dir, Map.of()));
                server.awaitPort(serverPort, Duration.ofSeconds(60));
                t.urls.put(Scenario.DIRECT, mcp(serverPort));
            }
            // The 2026-07-28 echo is a process of its own: the 2025 scenarios keep a 2025-only upstream.
            int modernPort = ChildProcess.freePort();
            if (warrant || scenarios.contains(Scenario.DIRECT_2026) || scenarios.contains(Scenario.PROXY_2026)) {
                ChildProcess server = t.add(ChildProcess.start("echo-server-2026",
                        ChildProcess.java(FastMcpServer.class.getName(), Integer.toString(modernPort), "--2026"), dir,
                        Map.of()));
                server.awaitPort(modernPort, Duration.ofSeconds(60));
                t.urls.put(Scenario.DIRECT_2026, mcp(modernPort));
            }
            // The hops start together (JVM and Hazelcast start-up dominate), then each must listen.
            Map<ChildProcess, Integer> starting = new java.util.LinkedHashMap<>();
            if (scenarios.contains(Scenario.PROXY)) {
                int port = ChildProcess.freePort();
                starting.put(t.add(ChildProcess.start("proxy", ChildProcess.java(PassThroughProxy.class.getName(),
                        Integer.toString(port), Integer.toString(serverPort)), dir, Map.of())), port);
                t.urls.put(Scenario.PROXY, mcp(port));
            }
            if (scenarios.contains(Scenario.PROXY_2026)) {
                int port = ChildProcess.freePort();
                starting.put(t.add(ChildProcess.start("proxy-2026", ChildProcess.java(PassThroughProxy.class.getName(),
                        Integer.toString(port), Integer.toString(modernPort)), dir, Map.of())), port);
                t.urls.put(Scenario.PROXY_2026, mcp(port));
            }
            if (issuer.isPresent()) {
                // Listening before the gateway starts: it reads the keys at start, so the first JWT need not wait.
                ChildProcess jwks = t.add(ChildProcess.start("jwks", ChildProcess.java(JwksServer.class.getName(),
                        Integer.toString(issuer.get().port()), issuer.get().writeJwks(dir.resolve("jwks.json")).toString()),
                        dir, Map.of()));
                jwks.awaitPort(issuer.get().port(), Duration.ofSeconds(60));
            }
            if (warrant) {
                int port = ChildProcess.freePort();
                starting.put(t.add(WarrantNode.start(dir, port, serverPort, modernPort, issuer)), port);
                t.urls.put(Scenario.WARRANT_HTTP, mcp(port));
                t.urls.put(Scenario.WARRANT_JWT, mcp(port));
                t.urls.put(Scenario.WARRANT_STDIO, mcp(port));
                t.urls.put(Scenario.WARRANT_2026, mcp(port));
            }
            if (scenarios.contains(Scenario.PEER_STDIO)) {
                int port = ChildProcess.freePort();
                starting.put(t.add(PeerBridge.start(dir, nodeTools, port)), port);
                t.urls.put(Scenario.PEER_STDIO, mcp(port));
            }
            for (Map.Entry<ChildProcess, Integer> e : starting.entrySet()) {
                e.getKey().awaitPort(e.getValue(), Duration.ofSeconds(120));
            }
            return t;
        } catch (Exception e) {
            t.close();
            throw e;
        }
    }

    private ChildProcess add(ChildProcess p) {
        processes.add(p);
        return p;
    }

    private static URI mcp(int port) {
        return URI.create("http://127.0.0.1:" + port + "/mcp");
    }

    URI url(Scenario s) {
        return urls.get(s);
    }

    /** The tool name an agent calls: the gateway prefixes the upstream's name. */
    static String tool(Scenario s) {
        return switch (s) {
            case WARRANT_HTTP, WARRANT_JWT -> WarrantNode.HTTP_UPSTREAM + "__" + EchoMcp.TOOL;
            case WARRANT_STDIO -> WarrantNode.STDIO_UPSTREAM + "__" + EchoMcp.TOOL;
            case WARRANT_2026 -> WarrantNode.MODERN_UPSTREAM + "__" + EchoMcp.TOOL;
            default -> EchoMcp.TOOL;
        };
    }

    /** Processes still running that should be (a crashed target is reported, not measured as fast errors). */
    List<String> dead() {
        return processes.stream().filter(p -> !p.isAlive()).map(p -> p.name + ": " + p.tail()).toList();
    }

    @Override
    public void close() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).close();
        }
    }
}
