package dev.warrant.gateway;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

import static org.awaitility.Awaitility.await;

/** Loopback ports for the processes tests start, and waiting for such a process to listen. */
public final class ProcessPorts {

    private ProcessPorts() {
    }

    /** A port free on 127.0.0.1 right now (another process may take it before ours binds: tests accept that). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * A port free on 127.0.0.1 now, below the kernel's ephemeral range (32768 and up on Linux), for a server that
     * binds long after it is chosen: outgoing connections in the meantime never take such a port.
     */
    public static int freePortOutsideEphemeralRange() throws IOException {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = random.nextInt(20_000, 32_000);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port in 20000-31999");
    }

    /**
     * Waits until {@code process} accepts connections on 127.0.0.1:{@code port}; fails at once if it exits, and
     * after {@code timeout} if it never listens. {@code what} names it in the failure.
     */
    public static void awaitListening(int port, Process process, String what, Duration timeout) {
        await(what + " listening on 127.0.0.1:" + port).atMost(timeout).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException(what + " exited with " + process.exitValue());
                    }
                    return accepts(port);
                });
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }
}
