package dev.warrant.loadtest;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One simulated agent: a real MCP session over Streamable HTTP (initialize, notifications/initialized), then a
 * closed loop of {@code tools/call}, one call in flight at a time. Every call that is not a successful echo of
 * its message is an error, whatever the reason (HTTP status, JSON-RPC error, denial, rate limit, isError).
 *
 * <p>Concurrency: all callbacks of one agent run one after the other (each call starts when the previous one
 * ended), so its counters and histogram need no locks; they are read after its phase future completes.
 */
final class McpAgent {

    static final String PROTOCOL = "2025-06-18";
    static final String MODERN = "2026-07-28";
    /** The 2026-07-28 envelope every request of a modern agent carries in params._meta. */
    private static final String MODERN_META = ",\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"" + MODERN
            + "\",\"io.modelcontextprotocol/clientCapabilities\":{},"
            + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"warrant-loadtest\",\"version\":\"1\"}}";
    private static final String MESSAGE = "hello";
    private static final long MAX_NANOS = TimeUnit.SECONDS.toNanos(120);

    private final HttpClient client;
    private final Context context;
    private final URI url;
    private final String token;
    private final String tool;
    private final long callTimeoutMillis;
    /** Speaks MCP 2026-07-28: no handshake, no session, the envelope and routing headers on every request. */
    private final boolean modern;
    private String sessionId;
    private String protocol = PROTOCOL;
    private long nextId = 1;

    final Histogram latencies = new Histogram(MAX_NANOS, 3);
    long measuredCalls;
    long warmupCalls;
    long errors;
    final List<String> errorSamples = new ArrayList<>();

    McpAgent(HttpClient client, Context context, URI url, String token, String tool, long callTimeoutMillis,
             boolean modern) {
        this.client = client;
        this.context = context;
        this.url = url;
        this.token = token;
        this.tool = tool;
        this.callTimeoutMillis = callTimeoutMillis;
        this.modern = modern;
    }

    /** initialize + notifications/initialized (nothing for a 2026 agent); fails with a one-line reason. */
    Future<Void> open(long timeoutMillis) {
        if (modern) {
            return Future.succeededFuture();
        }
        JsonObject init = new JsonObject().put("jsonrpc", "2.0").put("id", 0).put("method", "initialize")
                .put("params", new JsonObject().put("protocolVersion", PROTOCOL)
                        .put("capabilities", new JsonObject())
                        .put("clientInfo", new JsonObject().put("name", "warrant-loadtest").put("version", "1")));
        return post(init.toBuffer(), timeoutMillis).compose(r -> {
            JsonObject reply = r.message(0);
            if (r.status != 200 || reply == null || reply.getJsonObject("result") == null) {
                return Future.failedFuture("initialize: HTTP " + r.status + " " + r.excerpt());
            }
            sessionId = r.sessionId;
            protocol = reply.getJsonObject("result").getString("protocolVersion", PROTOCOL);
            Buffer initialized = Buffer.buffer("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
            return post(initialized, timeoutMillis);
        }).compose(r -> r.status / 100 == 2 ? Future.succeededFuture()
                : Future.failedFuture("notifications/initialized: HTTP " + r.status + " " + r.excerpt()));
    }

    /** Ends the session (DELETE), so that a bridge that runs a process per session can stop it; best effort. */
    Future<Void> close() {
        if (sessionId == null) {
            return Future.succeededFuture();
        }
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.DELETE)
                .setHost(url.getHost()).setPort(url.getPort()).setURI(url.getRawPath()).setIdleTimeout(10_000)
                .putHeader("Authorization", "Bearer " + token).putHeader("Mcp-Session-Id", sessionId)
                .putHeader("MCP-Protocol-Version", protocol);
        return client.request(options).compose(r -> r.send()).compose(r -> r.body()).<Void>mapEmpty()
                .otherwiseEmpty();
    }

    /** Calls until the phase says stop; completes when the last call of this agent has ended. */
    Future<Void> run(Phase phase) {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> next(phase, done));
        return done.future();
    }

    private void next(Phase phase, Promise<Void> done) {
        if (!phase.tryStartCall()) {
            done.complete();
            return;
        }
        long id = nextId++;
        Buffer body = Buffer.buffer("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\""
                + tool + "\",\"arguments\":{\"message\":\"" + MESSAGE + "\"}" + (modern ? MODERN_META : "") + "}}");
        long start = System.nanoTime();
        post(body, callTimeoutMillis).onComplete(ar -> {
            long elapsed = System.nanoTime() - start;
            if (phase.measured) {
                measuredCalls++;
                latencies.recordValue(Math.min(elapsed, MAX_NANOS));
            } else {
                warmupCalls++;
            }
            String problem = ar.failed() ? String.valueOf(ar.cause().getMessage()) : problemWith(ar.result(), id);
            if (problem != null) {
                errors++;
                if (errorSamples.size() < 5) {
                    errorSamples.add(problem);
                }
            }
            // Through the context, never recursively: a failure can complete synchronously.
            context.runOnContext(v -> next(phase, done));
        });
    }

    private static String problemWith(Reply r, long id) {
        JsonObject reply = r.message(id);
        if (r.status != 200 || reply == null) {
            return "HTTP " + r.status + " " + r.excerpt();
        }
        JsonObject result = reply.getJsonObject("result");
        if (result == null || result.getBoolean("isError", false)) {
            return "not a result: " + r.excerpt();
        }
        JsonArray content = result.getJsonArray("content");
        if (content == null || content.isEmpty() || !MESSAGE.equals(content.getJsonObject(0).getString("text"))) {
            return "not the echo: " + r.excerpt();
        }
        return null;
    }

    private Future<Reply> post(Buffer body, long timeoutMillis) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
                .setHost(url.getHost()).setPort(url.getPort()).setURI(url.getRawPath())
                .setIdleTimeout(timeoutMillis)
                .putHeader("Content-Type", "application/json")
                .putHeader("Accept", "application/json, text/event-stream")
                .putHeader("Authorization", "Bearer " + token);
        if (sessionId != null) {
            options.putHeader("Mcp-Session-Id", sessionId).putHeader("MCP-Protocol-Version", protocol);
        }
        if (modern) {
            options.putHeader("MCP-Protocol-Version", MODERN).putHeader("Mcp-Method", "tools/call")
                    .putHeader("Mcp-Name", tool);
        }
        return client.request(options)
                .compose(request -> request.send(body))
                .compose(response -> response.body().map(b -> new Reply(response.statusCode(),
                        response.getHeader("Content-Type"), response.getHeader("Mcp-Session-Id"), b)));
    }

    /** One HTTP answer: a JSON body, or an SSE stream whose data lines carry JSON-RPC messages. */
    private record Reply(int status, String contentType, String sessionId, Buffer body) {

        JsonObject message(long id) {
            try {
                if (contentType != null && contentType.startsWith("text/event-stream")) {
                    for (String line : body.toString().split("\n")) {
                        if (line.startsWith("data:")) {
                            JsonObject m = new JsonObject(line.substring(5).trim());
                            if (m.containsKey("id") && m.getValue("id") instanceof Number n && n.longValue() == id) {
                                return m;
                            }
                        }
                    }
                    return null;
                }
                return body.length() == 0 ? null : body.toJsonObject();
            } catch (RuntimeException notJson) {
                return null;
            }
        }

        String excerpt() {
            String s = body.toString().replace('\n', ' ');
            return s.length() > 300 ? s.substring(0, 300) + "..." : s;
        }
    }
}
