package dev.warrant.adapters;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A scripted Streamable HTTP server on 127.0.0.1 (Vert.x) that records every request and answers in either era:
 * {@code server/discover} as {@link #discover} says (a 2026-07-28 result by default), {@code initialize} with a
 * 2025 session, {@code subscriptions/listen} with an acknowledged event stream kept open, {@code tools/list} with
 * {@link #tools}, {@code tools/call} of tool {@code hold} with an event stream that never answers (for cancel and
 * timeout), of tool {@code strict} with 400 -32020 unless {@code Mcp-Param-Region} matches its region, other
 * calls with their params echoed. GET is 405, DELETE 200.
 */
final class ScriptedHttpServer implements AutoCloseable {

    /** One recorded request. */
    record Seen(String httpMethod, MultiMap headers, JsonObject body) {
        String rpcMethod() {
            return body == null ? null : body.getString("method");
        }
    }

    /** A canned answer: status, content type and body. */
    record Answer(int status, String contentType, String body) {
        static Answer json(int status, JsonObject body) {
            return new Answer(status, "application/json", body.encode());
        }
    }

    static final JsonObject MODERN_DISCOVER = new JsonObject()
            .put("resultType", "complete")
            .put("supportedVersions", new JsonArray().add("2026-07-28"))
            .put("capabilities", new JsonObject().put("tools", new JsonObject().put("listChanged", true)))
            .put("instructions", "scripted")
            .put("ttlMs", 0).put("cacheScope", "private")
            .put("_meta", new JsonObject().put("io.modelcontextprotocol/serverInfo",
                    new JsonObject().put("name", "scripted-modern").put("version", "1")));

    final List<Seen> seen = new CopyOnWriteArrayList<>();
    final List<HttpServerResponse> listens = new CopyOnWriteArrayList<>();
    final AtomicInteger heldClosed = new AtomicInteger();
    final AtomicInteger listensClosed = new AtomicInteger();
    /** The answer to server/discover, from the request. */
    volatile Function<JsonObject, Answer> discover =
            request -> Answer.json(200, new JsonObject().put("jsonrpc", "2.0").put("id", request.getValue("id"))
                    .put("result", MODERN_DISCOVER));
    volatile JsonArray tools = new JsonArray();
    /** When set, the answer to every request but discover and initialize (e.g. a -32022 of a downgraded server). */
    volatile Function<JsonObject, Answer> everyCall;

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;

    ScriptedHttpServer() throws Exception {
        server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.actualPort() + "/mcp");
    }

    List<Seen> seen(String rpcMethod) {
        return seen.stream().filter(s -> rpcMethod.equals(s.rpcMethod())).toList();
    }

    /** Sends an event on the {@code index}th listen stream. */
    void sendOnListen(int index, JsonObject message) {
        HttpServerResponse stream = listens.get(index);
        vertx.runOnContext(v -> stream.write(event(message)));
    }

    /** Ends the {@code index}th listen stream without a response, as a dropped connection would. */
    void dropListen(int index) {
        HttpServerResponse stream = listens.get(index);
        vertx.runOnContext(v -> stream.reset());
    }

    private void handle(HttpServerRequest request) {
        request.body().onSuccess(buffer -> {
            JsonObject body = buffer.length() == 0 ? null : buffer.toJsonObject();
            seen.add(new Seen(request.method().name(), MultiMap.caseInsensitiveMultiMap().addAll(request.headers()),
                    body));
            HttpServerResponse response = request.response();
            if (!"POST".equals(request.method().name())) {
                response.setStatusCode("GET".equals(request.method().name()) ? 405 : 200).end();
                return;
            }
            if (!body.containsKey("id")) {
                response.setStatusCode(202).end();
                return;
            }
            Object id = body.getValue("id");
            Function<JsonObject, Answer> forced = everyCall;
            if (forced != null && !List.of("server/discover", "initialize").contains(body.getString("method"))) {
                answer(response, forced.apply(body));
                return;
            }
            JsonObject params = body.getJsonObject("params", new JsonObject());
            switch (body.getString("method")) {
                case "server/discover" -> answer(response, discover.apply(body));
                case "initialize" -> {
                    response.putHeader("Mcp-Session-Id", "session-1");
                    answer(response, Answer.json(200, result(id, new JsonObject().put("protocolVersion", "2025-06-18")
                            .put("capabilities", new JsonObject().put("tools", new JsonObject()))
                            .put("serverInfo", new JsonObject().put("name", "scripted-legacy").put("version", "1")))));
                }
                case "subscriptions/listen" -> {
                    openStream(response);
                    listens.add(response);
                    response.closeHandler(v -> listensClosed.incrementAndGet());
                    response.write(event(new JsonObject().put("jsonrpc", "2.0")
                            .put("method", "notifications/subscriptions/acknowledged")
                            .put("params", new JsonObject().put("_meta", new JsonObject()
                                    .put("io.modelcontextprotocol/subscriptionId", id))
                                    .put("notifications", params.getJsonObject("notifications")))));
                }
                case "tools/list" -> answer(response, Answer.json(200, result(id, new JsonObject()
                        .put("resultType", "complete").put("tools", tools))));
                case "tools/call" -> {
                    String region = params.getJsonObject("arguments", new JsonObject()).getString("region");
                    if ("strict".equals(params.getString("name"))
                            && !java.util.Objects.equals(region, request.getHeader("Mcp-Param-Region"))) {
                        answer(response, Answer.json(400, new JsonObject().put("jsonrpc", "2.0").put("id", id)
                                .put("error", new JsonObject().put("code", -32020)
                                        .put("message", "Header mismatch: Mcp-Param-Region"))));
                    } else if ("hold".equals(params.getString("name"))) {
                        openStream(response);
                        response.closeHandler(v -> heldClosed.incrementAndGet());
                        response.write(": held\n\n");
                    } else {
                        answer(response, Answer.json(200, result(id, new JsonObject().put("resultType", "complete")
                                .put("content", new JsonArray()).put("echoedParams", params))));
                    }
                }
                default -> answer(response, Answer.json(404, new JsonObject().put("jsonrpc", "2.0").put("id", id)
                        .put("error", new JsonObject().put("code", -32601).put("message", "Method not found"))));
            }
        });
    }

    private static JsonObject result(Object id, JsonObject result) {
        return new JsonObject().put("jsonrpc", "2.0").put("id", id).put("result", result);
    }

    private static void openStream(HttpServerResponse response) {
        response.setChunked(true).putHeader("Content-Type", "text/event-stream");
    }

    private static String event(JsonObject message) {
        return "event: message\ndata: " + message.encode() + "\n\n";
    }

    private static void answer(HttpServerResponse response, Answer answer) {
        if (answer.contentType() != null) {
            response.putHeader("Content-Type", answer.contentType());
        }
        response.setStatusCode(answer.status()).end(answer.body() == null ? "" : answer.body());
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
