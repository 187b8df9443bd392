package dev.warrant.gateway;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;

/** Loopback ports for the processes tests start, and waiting for such a process to listen. */
public final class ProcessPorts {

    private ProcessPorts() {
    }

    /** Below the kernel's ephemeral range (32768 and up on Linux): no outgoing connection takes such a port. */
    private static final int FIRST = 20_000;
    private static final int COUNT = 12_000;
    /** Ports are handed out in turn from a random start, so two calls in one JVM never return the same port. */
    private static final AtomicInteger NEXT = new AtomicInteger(ThreadLocalRandom.current().nextInt(COUNT));

    /**
     * A port free on 127.0.0.1 now, for a server that binds later (often in another process). Never one this JVM
     * handed out before: the kernel's port 0 may give the same port twice in a row, and then two servers chosen
     * together collide. Never an ephemeral port: an outgoing connection in the meantime could take it.
     */
    public static int freePort() throws IOException {
        for (int attempt = 0; attempt < COUNT; attempt++) {
            int port = FIRST + Math.floorMod(NEXT.getAndIncrement(), COUNT);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // in use by someone else: the next one
            }
        }
        throw new IOException("no free port in " + FIRST + "-" + (FIRST + COUNT - 1));
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
