package dev.warrant.loadtest;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The systems under test, started once for all runs and stopped together: the echo server, the proxy in front
 * of it, the gateway (both upstreams) and the peer bridge — only those the chosen scenarios need.
 */
final class Targets implements AutoCloseable {

    private final List<ChildProcess> processes = new ArrayList<>();
    private final Map<Scenario, URI> urls = new EnumMap<>(Scenario.class);

    static Targets start(Set<Scenario> scenarios, Path dir, Path nodeTools) throws Exception {
        Targets t = new Targets();
        try {
            int serverPort = ChildProcess.freePort();
            boolean warrant = scenarios.contains(Scenario.WARRANT_HTTP) || scenarios.contains(Scenario.WARRANT_STDIO)
                    || scenarios.contains(Scenario.WARRANT_2026);
            boolean needsServer = warrant || scenarios.contains(Scenario.DIRECT) || scenarios.contains(Scenario.PROXY);
            if (needsServer) {
                ChildProcess server = t.add(ChildProcess.start("echo-server",
                        ChildProcess.java(FastMcpServer.class.getName(), Integer.toString(serverPort)), dir, Map.of()));
                server.awaitPort(serverPort, Duration.ofSeconds(60));
                t.urls.put(Scenario.DIRECT, mcp(serverPort));
            }
            // The 2026-07-28 echo is a process of its own: the 2025 scenarios keep a 2025-only upstream.
            int modernPort = ChildProcess.freePort();
            if (warrant || scenarios.contains(Scenario.DIRECT_2026)) {
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
            if (warrant) {
                int port = ChildProcess.freePort();
                starting.put(t.add(WarrantNode.start(dir, port, serverPort, modernPort)), port);
                t.urls.put(Scenario.WARRANT_HTTP, mcp(port));
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
            case WARRANT_HTTP -> WarrantNode.HTTP_UPSTREAM + "__" + EchoMcp.TOOL;
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
