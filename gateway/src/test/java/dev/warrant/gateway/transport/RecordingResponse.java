package dev.warrant.gateway.transport;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for a GET stream's {@link HttpServerResponse} that records what is written to it: the calls a
 * session makes on its stream (write, end, ended, closed) and nothing else. A real response needs a connection
 * and its event loop, which would hide the interleavings a race test has to reach.
 */
final class RecordingResponse {

    private static final Pattern EVENT_ID = Pattern.compile("^id: 0-(\\d+)$", Pattern.MULTILINE);

    private final List<Buffer> writes = new ArrayList<>();
    private volatile boolean ended;
    private volatile boolean closed;
    final HttpServerResponse response = (HttpServerResponse) Proxy.newProxyInstance(
            HttpServerResponse.class.getClassLoader(), new Class<?>[] {HttpServerResponse.class},
            (proxy, method, args) -> switch (method.getName()) {
                case "write" -> {
                    if (args.length != 1 || !(args[0] instanceof Buffer frame)) {
                        throw new UnsupportedOperationException("write " + method);
                    }
                    write(frame);
                    yield Future.succeededFuture();
                }
                case "end" -> {
                    if (args != null) {
                        throw new UnsupportedOperationException("end " + method);
                    }
                    ended = true;
                    yield Future.succeededFuture();
                }
                case "ended" -> ended;
                case "closed" -> closed;
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                case "toString" -> "RecordingResponse@" + Integer.toHexString(System.identityHashCode(proxy));
                default -> throw new UnsupportedOperationException(method.toString());
            });

    private synchronized void write(Buffer frame) {
        if (ended) {
            throw new IllegalStateException("write after end");
        }
        writes.add(frame);
    }

    boolean ended() {
        return ended;
    }

    /** The connection went away (the agent disconnected): what Vert.x reports before it calls the close handler. */
    void disconnect() {
        closed = true;
    }

    /** The sequence numbers of the GET-stream events written, in the order written. */
    synchronized List<Long> eventSeqs() {
        List<Long> seqs = new ArrayList<>();
        for (Buffer b : writes) {
            Matcher m = EVENT_ID.matcher(b.toString());
            while (m.find()) {
                seqs.add(Long.parseLong(m.group(1)));
            }
        }
        return seqs;
    }
}
