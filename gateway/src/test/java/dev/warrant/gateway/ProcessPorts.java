package dev.warrant.gateway;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

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
     * Waits until {@code process} accepts connections on 127.0.0.1:{@code port}; fails at once if it exits, and
     * after {@code timeout} if it never listens. {@code what} names it in the failure.
     */
    public static void awaitListening(int port, Process process, String what, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(what + " exited with " + process.exitValue());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException(what + " did not listen on 127.0.0.1:" + port + " within " + timeout);
    }
}
