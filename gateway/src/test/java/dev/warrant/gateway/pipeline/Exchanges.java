package dev.warrant.gateway.pipeline;

import dev.warrant.gateway.auth.BearerMemo;
import dev.warrant.gateway.transport.JsonRpc;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Builds the exchanges stage tests feed to one stage: the message ({@link #request}, {@link #notification},
 * {@link #response}, {@link #get}, {@link #delete}) and what the transport would have read from HTTP.
 */
public final class Exchanges {

    private final Function<Exchanges, McpExchange> make;
    private String authorization;
    private String sessionId;
    private String protocolVersion;
    private final Map<String, String> traceHeaders = new HashMap<>();
    private Optional<String> peer = Optional.empty();
    private String virtualServer;
    private ReplyChannel channel = ReplyChannel.NONE;
    private Era era = Era.LEGACY;
    private RoutingHeaders routing = RoutingHeaders.NONE;
    private BearerMemo connectionMemo;

    private Exchanges(Function<Exchanges, McpExchange> make) {
        this.make = make;
    }

    /** A POSTed request with id 1. */
    public static Exchanges request(String method, JsonObject params) {
        return request(1, method, params);
    }

    public static Exchanges request(Object id, String method, JsonObject params) {
        return new Exchanges(b -> new McpExchange(new JsonRpc.Request(id, method, params), b.facts(), b.channel,
                System.nanoTime(), b.virtualServer));
    }

    public static Exchanges request(String method) {
        return request(method, new JsonObject());
    }

    public static Exchanges notification(String method, JsonObject params) {
        return new Exchanges(b -> McpExchange.notification(new JsonRpc.Notification(method, params), b.facts(),
                System.nanoTime(), b.virtualServer));
    }

    /** The agent's answer (the whole JSON-RPC message {@code body}) to relayed request {@code id}. */
    public static Exchanges response(Object id, JsonObject body) {
        return new Exchanges(b -> McpExchange.response(new JsonRpc.Response(id, body), b.facts(), System.nanoTime(),
                b.virtualServer));
    }

    /** A GET: the standalone stream. */
    public static Exchanges get() {
        return transport(MessageKind.OPEN_STREAM);
    }

    /** A DELETE: the agent ends its session. */
    public static Exchanges delete() {
        return transport(MessageKind.END_SESSION);
    }

    private static Exchanges transport(MessageKind kind) {
        return new Exchanges(b -> McpExchange.transport(kind, b.facts(), System.nanoTime(), b.virtualServer));
    }

    /** The Authorization header as sent. */
    public Exchanges authorization(String header) {
        this.authorization = header;
        return this;
    }

    /** {@code Authorization: Bearer token}. */
    public Exchanges bearer(String token) {
        return authorization("Bearer " + token);
    }

    public Exchanges sessionId(String id) {
        this.sessionId = id;
        return this;
    }

    public Exchanges protocolVersion(String version) {
        this.protocolVersion = version;
        return this;
    }

    public Exchanges traceparent(String traceparent) {
        traceHeaders.put("traceparent", traceparent);
        return this;
    }

    /** The connection's verified mTLS identity. */
    public Exchanges peer(String identity) {
        this.peer = Optional.of(identity);
        return this;
    }

    /** Sent to {@code /servers/{server}/mcp}. */
    public Exchanges virtualServer(String server) {
        this.virtualServer = server;
        return this;
    }

    public Exchanges channel(ReplyChannel replies) {
        this.channel = replies;
        return this;
    }

    /**
     * A 2026-07-28 message whose headers a conforming client derived from {@code method} and {@code name}
     * (null when the method has none); the body's {@code _meta} is the test's to write.
     */
    public Exchanges modern(String method, String name) {
        this.era = Era.MODERN;
        this.protocolVersion = "2026-07-28";
        this.routing = new RoutingHeaders(method, name, Map.of(), java.util.Set.of());
        return this;
    }

    /** The routing headers as sent (for a modern message). */
    public Exchanges routing(RoutingHeaders headers) {
        this.routing = headers;
        return this;
    }

    /** Arrived on a connection with this memo (and no session to ask). */
    public Exchanges connectionMemo(BearerMemo memo) {
        this.connectionMemo = memo;
        return this;
    }

    public McpExchange build() {
        return make.apply(this);
    }

    private HttpFacts facts() {
        return new HttpFacts(authorization, sessionId, protocolVersion, traceHeaders, peer, era, routing, connectionMemo);
    }
}
