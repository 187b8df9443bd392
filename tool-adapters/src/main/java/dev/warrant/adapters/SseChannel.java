package dev.warrant.adapters;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The legacy HTTP+SSE transport (MCP 2024-11-05): GET {@code url} opens a {@code text/event-stream}; its
 * first {@code endpoint} event carries the (usually relative, session-specific) URL that every message is
 * POSTed to; responses and server messages arrive as {@code message} events on the stream.
 *
 * <p>Why our own instead of the SDK's deprecated {@code HttpClientSseClientTransport}: this is ~200 lines
 * over the JDK HttpClient with the same shape as {@link StdioChannel} (bounded lines, a reader thread
 * that delivers in order and reports the end once), and it refuses an endpoint on another origin, which
 * would otherwise receive the upstream's configured credentials.
 *
 * <p>Threads: one daemon thread reads the stream and delivers messages; POSTs complete on HttpClient threads.
 */
final class SseChannel implements MessageChannel {

    private static final Logger log = LoggerFactory.getLogger(SseChannel.class);
    private static final int MAX_EVENT_BYTES = 16 * 1024 * 1024;
    /** How long the server may take to open the stream and name its endpoint. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final SseUpstreamSpec spec;
    private final McpJsonMapper json;
    private final HttpClient client;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile URI endpoint;
    private volatile InputStream stream;
    private volatile Thread reader;

    SseChannel(SseUpstreamSpec spec, McpJsonMapper json) {
        this.spec = spec;
        this.json = json;
        this.client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public CompletableFuture<Void> start(Consumer<JSONRPCMessage> inbound, Consumer<UpstreamException> lost) {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        HttpRequest.Builder get = HttpRequest.newBuilder(spec.url()).GET().header("Accept", "text/event-stream");
        spec.headers().forEach(get::header);
        client.sendAsync(get.build(), HttpResponse.BodyHandlers.ofInputStream()).whenComplete((response, error) -> {
            if (error != null) {
                ready.completeExceptionally(unavailable("cannot open its SSE stream: " + rootMessage(error)));
                return;
            }
            String type = response.headers().firstValue("Content-Type").orElse("");
            if (response.statusCode() != 200 || !type.startsWith("text/event-stream")) {
                closeQuietly(response.body());
                ready.completeExceptionally(unavailable("answered GET " + spec.url() + " with HTTP "
                        + response.statusCode() + " " + type));
                return;
            }
            stream = response.body();
            if (closed.get()) {
                closeQuietly(stream);
                ready.completeExceptionally(unavailable("was closed"));
                return;
            }
            Thread thread = new Thread(() -> read(response.body(), inbound, lost, ready),
                    "warrant-upstream-" + spec.name() + "-sse");
            thread.setDaemon(true);
            reader = thread;
            thread.start();
            if (closed.get()) {
                thread.interrupt(); // close() ran before it could see this thread
            }
        });
        return ready.orTimeout(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).exceptionallyCompose(error ->
                CompletableFuture.failedFuture(error instanceof java.util.concurrent.TimeoutException
                        ? unavailable("sent no endpoint event within " + CONNECT_TIMEOUT.toMillis() + " ms")
                        : JsonRpcUpstream.asUpstreamException(error)));
    }

    /** Parses the event stream (WHATWG SSE: field lines, a blank line dispatches) until it ends. */
    private void read(InputStream body, Consumer<JSONRPCMessage> inbound, Consumer<UpstreamException> lost,
            CompletableFuture<Void> ready) {
        String why = "its SSE stream ended";
        try (body) {
            BoundedLineReader lines = new BoundedLineReader(body, MAX_EVENT_BYTES, false);
            String event = "message";
            StringBuilder data = null;
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data != null) {
                        dispatch(event, data.toString(), inbound, ready);
                    }
                    event = "message";
                    data = null;
                    continue;
                }
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                switch (field) {
                    case "event" -> event = value;
                    case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                    default -> { } // comments (keep-alives), id, retry: nothing to do for us
                }
            }
        } catch (IOException e) {
            why = closed.get() ? "its SSE stream was closed" : "its SSE stream failed: " + e.getMessage();
        }
        UpstreamException end = unavailable(why);
        ready.completeExceptionally(end); // no-op once the endpoint arrived
        if (!closed.get()) {
            lost.accept(end);
        }
    }

    private void dispatch(String event, String data, Consumer<JSONRPCMessage> inbound, CompletableFuture<Void> ready) {
        if ("endpoint".equals(event)) {
            URI target = spec.url().resolve(data.trim());
            if (!sameOrigin(spec.url(), target)) {
                // The configured headers (credentials) go to the endpoint: never to another origin.
                ready.completeExceptionally(new UpstreamException(UpstreamException.Kind.PROTOCOL,
                        "upstream " + spec.name() + " named an endpoint on another origin: " + target));
                close();
                return;
            }
            endpoint = target;
            ready.complete(null);
            return;
        }
        if (!"message".equals(event)) {
            log.debug("upstream {}: ignored SSE event {}", spec.name(), event);
            return;
        }
        JSONRPCMessage message;
        try {
            message = JsonRpcMessages.parse(json, data);
        } catch (IOException | RuntimeException e) {
            log.warn("upstream {} sent an SSE message that is not JSON-RPC, skipped: {}", spec.name(),
                    data.length() <= 200 ? data : data.substring(0, 200) + "...");
            return;
        }
        inbound.accept(message);
    }

    @Override
    public CompletableFuture<Void> send(JSONRPCMessage message) {
        URI target = endpoint;
        if (target == null || closed.get()) {
            return CompletableFuture.failedFuture(unavailable(closed.get() ? "is closed" : "has no endpoint yet"));
        }
        String body;
        try {
            body = JsonRpcMessages.write(json, message);
        } catch (UpstreamException e) {
            return CompletableFuture.failedFuture(e);
        }
        HttpRequest.Builder post = HttpRequest.newBuilder(target)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        spec.headers().forEach(post::header);
        return client.sendAsync(post.build(), HttpResponse.BodyHandlers.discarding())
                .exceptionallyCompose(error -> CompletableFuture.failedFuture(
                        unavailable("unreachable: " + rootMessage(error))))
                .thenAccept(response -> {
                    // The answer comes on the stream; the POST itself only says whether it was taken (202).
                    if (response.statusCode() / 100 != 2) {
                        throw unavailable("answered a POST with HTTP " + response.statusCode());
                    }
                });
    }

    @Override
    public CompletableFuture<Void> close() {
        if (closed.compareAndSet(false, true)) {
            closeQuietly(stream); // ends the GET; the server drops the session with it
            Thread thread = reader;
            if (thread != null) {
                // Closing the body cancels the exchange but does not wake a read blocked on it; this does.
                thread.interrupt();
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    private static boolean sameOrigin(URI a, URI b) {
        return Objects.equals(a.getScheme(), b.getScheme()) && Objects.equals(a.getHost(), b.getHost())
                && effectivePort(a) == effectivePort(b);
    }

    private static int effectivePort(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static void closeQuietly(InputStream in) {
        if (in == null) {
            return;
        }
        try {
            in.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private UpstreamException unavailable(String what) {
        return new UpstreamException(UpstreamException.Kind.UNAVAILABLE, "upstream " + spec.name() + " " + what);
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
