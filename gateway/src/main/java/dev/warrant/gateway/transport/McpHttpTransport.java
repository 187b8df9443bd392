package dev.warrant.gateway.transport;

import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.modern.MetaKeys;
import dev.warrant.gateway.pipeline.Era;
import dev.warrant.gateway.pipeline.HttpFacts;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.pipeline.MessageKind;
import dev.warrant.gateway.pipeline.Pipelines;
import dev.warrant.gateway.pipeline.RoutingHeaders;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The Streamable HTTP transport of the agent endpoint, both eras on one URL (docs/ARCHITECTURE.md §2.7).
 * 2025 (2025-03-26 / 2025-06-18 / 2025-11-25): POST carries one JSON-RPC message, GET opens the
 * server-to-client stream, DELETE ends the session. 2026-07-28: POST only, no session; the era of each POST
 * is read from its {@code MCP-Protocol-Version} header and its {@code _meta}, and a GET or DELETE that names
 * a 2026 version gets 405.
 *
 * <p>Two endpoints share it: {@code /mcp} (all upstreams) and {@code /servers/{name}/mcp} (one upstream as a
 * virtual server with its original names; the route's {@code name} parameter). Both run the same pipelines;
 * the exchange carries which one it came through. Every message (POSTed request, notification or response,
 * GET, DELETE) passes the same stages ({@link Pipelines}): each is authenticated, rate limited, traced and
 * audited, and only its terminal handler differs.
 *
 * <p>Resumability: every event of the GET stream has an id and the session keeps the recent ones; a GET with
 * {@code Last-Event-ID} gets the events after it first (see {@link EventStream}). Events of a POST's SSE answer
 * have ids too, but are not kept: such a stream is not resumable.
 *
 * <p>This class only frames: it validates Host/Origin, media types and the JSON-RPC envelope, hands
 * messages to the {@link Pipelines}, and writes what comes back. Decisions are made by the stages.
 * Everything here runs on the connection's event loop and never blocks.
 */
public final class McpHttpTransport {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(McpHttpTransport.class);
    private static final long KEEPALIVE_MILLIS = 15_000;
    /** The path parameter of {@code /servers/:name/mcp}; absent on {@code /mcp}. */
    public static final String SERVER_PARAM = "name";
    private static final String LAST_EVENT_ID = "Last-Event-ID";
    private static final String PRIMING_SINCE = "2025-11-25";
    private static final String PROTOCOL_VERSION = "MCP-Protocol-Version";
    private static final String MCP_METHOD = "Mcp-Method";
    private static final String MCP_NAME = "Mcp-Name";
    private static final String PARAM_PREFIX = "mcp-param-";

    private final Vertx vertx;
    private final Pipelines pipelines;
    private final OriginPolicy originPolicy;
    private final String resourceMetadataUrl;
    private final ConnectionMemos connectionMemos = new ConnectionMemos();

    public McpHttpTransport(Vertx vertx, Pipelines pipelines, OriginPolicy originPolicy, String resourceMetadataUrl) {
        this.vertx = vertx;
        this.pipelines = pipelines;
        this.originPolicy = originPolicy;
        this.resourceMetadataUrl = resourceMetadataUrl;
    }

    /** POST: one JSON-RPC message (request, notification or response), of either era. */
    public void post(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        HttpServerResponse res = ctx.response();
        JsonRpc.Message message;
        HttpFacts http = httpFacts(req);
        try {
            checkHeaders(req);
            message = JsonRpc.parse(parseBody(ctx.body().buffer()));
        } catch (WarrantException e) {
            HttpFacts unreadable = http.withEra(ProtocolVersions.eraOf(http.protocolVersion(), false));
            refuse(McpExchange.transport(MessageKind.UNREADABLE, unreadable, nowEpochNanos(),
                    ctx.pathParam(SERVER_PARAM)), e, res, false);
            return;
        }
        if (ProtocolVersions.eraOf(http.protocolVersion(), hasMetaVersion(message)) == Era.MODERN) {
            http = modernFacts(req, http);
        }
        String virtualServer = ctx.pathParam(SERVER_PARAM);
        if (message instanceof JsonRpc.Request request) {
            handleRequest(request, http, res, virtualServer);
        } else if (message instanceof JsonRpc.Notification notification) {
            accept(McpExchange.notification(notification, http, nowEpochNanos(), virtualServer), res);
        } else {
            accept(McpExchange.response((JsonRpc.Response) message, http, nowEpochNanos(), virtualServer), res);
        }
    }

    private void handleRequest(JsonRpc.Request request, HttpFacts http, HttpServerResponse res, String virtualServer) {
        Context context = vertx.getOrCreateContext();
        ResponseWriter writer = new ResponseWriter(res, context, resourceMetadataUrl, http.era());
        McpExchange exchange = new McpExchange(request, http, writer, nowEpochNanos(), virtualServer);
        writer.eventIdsFrom(exchange::session);
        execute(exchange).onComplete(ar -> {
            if (ar.succeeded()) {
                String sessionId = "initialize".equals(request.method()) && exchange.session() != null
                        ? exchange.session().id() : null;
                writer.finish(JsonRpc.result(request.id(), ar.result()), sessionId);
            } else {
                writer.fail(request.id(), WarrantException.wrap(ar.cause()));
            }
        });
    }

    /** A notification or response: 202 once its stages (and its terminal handler) accepted it. */
    private void accept(McpExchange exchange, HttpServerResponse res) {
        execute(exchange).onComplete(ar -> {
            if (ar.succeeded()) {
                res.setStatusCode(202).end();
            } else {
                HttpErrors.sendWithoutAnswer(res, WarrantException.wrap(ar.cause()), resourceMetadataUrl);
            }
        });
    }

    /** GET: the standalone SSE stream for server-initiated messages (list_changed, ...). */
    public void get(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        HttpServerResponse res = ctx.response();
        McpExchange exchange = McpExchange.transport(MessageKind.OPEN_STREAM, httpFacts(req), nowEpochNanos(),
                ctx.pathParam(SERVER_PARAM));
        try {
            originPolicy.check(authority(req), req.getHeader(HttpHeaders.ORIGIN));
            refuseModern(req);
            String accept = req.getHeader(HttpHeaders.ACCEPT);
            if (accept != null && !accept.contains(Sse.CONTENT_TYPE) && !accept.contains("*/*")) {
                throw WarrantException.of(Reason.NOT_ACCEPTABLE, "GET requires Accept: text/event-stream");
            }
        } catch (WarrantException e) {
            refuse(exchange, e, res, true);
            return;
        }
        execute(exchange).onComplete(ar -> {
            if (ar.failed()) {
                HttpErrors.sendWithoutAnswer(res, WarrantException.wrap(ar.cause()), resourceMetadataUrl);
                return;
            }
            if (res.closed()) {
                return;
            }
            openStream(exchange.session(), req, res);
        });
    }

    private void openStream(Session session, HttpServerRequest req, HttpServerResponse res) {
        res.setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, Sse.CONTENT_TYPE)
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
        res.write(Sse.comment("stream open"));
        // Priming events came with 2025-11-25 (SEP-1699); older clients may not expect empty data.
        boolean priming = session.protocolVersion().compareTo(PRIMING_SINCE) >= 0;
        int replayed = session.attachStream(res, req.getHeader(LAST_EVENT_ID), priming);
        if (req.getHeader(LAST_EVENT_ID) != null) {
            LOG.debug("session {}: GET resumed from {}: {}", session.id(), req.getHeader(LAST_EVENT_ID),
                    replayed < 0 ? "unknown or too old, started fresh" : replayed + " event(s) replayed");
        }
        long timer = vertx.setPeriodic(KEEPALIVE_MILLIS, id -> {
            if (!res.ended() && !res.closed()) {
                res.write(Sse.comment("keepalive"));
            }
        });
        res.closeHandler(v -> {
            vertx.cancelTimer(timer);
            session.detachStream(res);
        });
        res.endHandler(v -> vertx.cancelTimer(timer));
    }

    /** DELETE: the client ends its session. */
    public void delete(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        HttpServerResponse res = ctx.response();
        McpExchange exchange = McpExchange.transport(MessageKind.END_SESSION, httpFacts(req), nowEpochNanos(),
                ctx.pathParam(SERVER_PARAM));
        try {
            originPolicy.check(authority(req), req.getHeader(HttpHeaders.ORIGIN));
            refuseModern(req);
        } catch (WarrantException e) {
            refuse(exchange, e, res, true);
            return;
        }
        execute(exchange).onComplete(ar -> {
            if (ar.succeeded()) {
                res.setStatusCode(200).end();
            } else {
                HttpErrors.sendWithoutAnswer(res, WarrantException.wrap(ar.cause()), resourceMetadataUrl);
            }
        });
    }

    /** 2026-07-28 has no GET stream and no session to end: such a client gets 405, as the revision says. */
    private static void refuseModern(HttpServerRequest req) {
        if (ProtocolVersions.isModern(req.getHeader(PROTOCOL_VERSION))) {
            throw WarrantException.of(Reason.METHOD_NOT_ALLOWED, "MCP " + req.getHeader(PROTOCOL_VERSION)
                    + " uses POST only");
        }
    }

    /** Records a message refused before its pipeline could run, then answers the refusal. */
    private void refuse(McpExchange exchange, WarrantException refusal, HttpServerResponse res, boolean withoutAnswer) {
        pipelines.refuse(exchange, refusal).onComplete(ar -> {
            WarrantException e = WarrantException.wrap(ar.cause());
            if (e.reason() == Reason.METHOD_NOT_ALLOWED) {
                res.putHeader(HttpHeaders.ALLOW, "POST");
            }
            if (withoutAnswer) {
                HttpErrors.sendWithoutAnswer(res, e, resourceMetadataUrl);
            } else {
                HttpErrors.send(res, e, resourceMetadataUrl);
            }
        });
    }

    private Future<JsonObject> execute(McpExchange exchange) {
        try {
            return pipelines.execute(exchange);
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    /**
     * Failures raised outside our handlers — vertx-web's body limit (413), a method the route does not
     * serve (405), a handler that threw — answered like every other refusal: JSON-RPC error body with a
     * reason, never the framework's plain-text page or an exception text.
     */
    public void failure(RoutingContext ctx) {
        HttpServerResponse res = ctx.response();
        if (res.headWritten()) {
            if (!res.ended()) {
                res.reset();
            }
            return;
        }
        WarrantException error;
        if (ctx.failure() instanceof WarrantException w) {
            error = w;
        } else {
            error = WarrantException.of(switch (ctx.statusCode()) {
                case 413 -> Reason.BODY_TOO_LARGE;
                case 405 -> Reason.METHOD_NOT_ALLOWED;
                case 415 -> Reason.UNSUPPORTED_MEDIA_TYPE;
                case 400 -> Reason.INVALID_REQUEST;
                default -> Reason.INTERNAL;
            });
            if (error.reason() == Reason.INTERNAL) {
                LOG.error("unexpected failure on {} {}", ctx.request().method(), ctx.request().path(), ctx.failure());
            }
        }
        HttpErrors.send(res, error, resourceMetadataUrl);
    }

    private void checkHeaders(HttpServerRequest req) {
        originPolicy.check(authority(req), req.getHeader(HttpHeaders.ORIGIN));
        String contentType = req.getHeader(HttpHeaders.CONTENT_TYPE);
        // The media type exactly (parameters such as charset allowed): not application/jsonp, json-seq, ...
        int parameters = contentType == null ? -1 : contentType.indexOf(';');
        String mediaType = contentType == null ? "" : (parameters < 0 ? contentType : contentType.substring(0, parameters)).strip();
        if (!mediaType.equalsIgnoreCase("application/json")) {
            throw WarrantException.of(Reason.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json");
        }
        String accept = req.getHeader(HttpHeaders.ACCEPT);
        if (accept != null && !(accept.contains("application/json") || accept.contains("text/event-stream")
                || accept.contains("*/*"))) {
            throw WarrantException.of(Reason.NOT_ACCEPTABLE, "Accept must allow application/json and text/event-stream");
        }
    }

    /** Host and port the client addressed: the Host header in HTTP/1.1, :authority in HTTP/2. */
    private static String authority(HttpServerRequest req) {
        io.vertx.core.net.HostAndPort authority = req.authority();
        if (authority == null) {
            return null;
        }
        return authority.port() >= 0 ? authority.host() + ":" + authority.port() : authority.host();
    }

    private static JsonObject parseBody(Buffer body) {
        if (body == null || body.length() == 0) {
            throw WarrantException.of(Reason.PARSE_ERROR, "empty body");
        }
        Object value;
        try {
            value = Json.decodeValue(body);
        } catch (DecodeException e) {
            throw WarrantException.of(Reason.PARSE_ERROR, "body is not valid JSON");
        }
        if (value instanceof JsonObject o) {
            return o;
        }
        if (value instanceof io.vertx.core.json.JsonArray) {
            throw WarrantException.of(Reason.INVALID_REQUEST, "JSON-RPC batches are not supported");
        }
        throw WarrantException.of(Reason.INVALID_REQUEST, "body must be a JSON-RPC object");
    }

    private HttpFacts httpFacts(HttpServerRequest req) {
        Map<String, String> trace = new HashMap<>(4);
        for (String name : new String[] {"traceparent", "tracestate", "baggage"}) {
            String value = req.getHeader(name);
            if (value != null) {
                trace.put(name, value);
            }
        }
        return new HttpFacts(req.getHeader(HttpHeaders.AUTHORIZATION), req.getHeader("Mcp-Session-Id"),
                req.getHeader(PROTOCOL_VERSION), trace, PeerIdentity.of(req), Era.LEGACY, RoutingHeaders.NONE,
                connectionMemos.of(req.connection()));
    }

    private static boolean hasMetaVersion(JsonRpc.Message message) {
        JsonObject params = message instanceof JsonRpc.Request r ? r.params()
                : message instanceof JsonRpc.Notification n ? n.params() : null;
        return params != null && params.getValue("_meta") instanceof JsonObject meta
                && meta.containsKey(MetaKeys.PROTOCOL_VERSION);
    }

    /**
     * A 2026-07-28 message's facts: its routing headers read (only for that era, so a 2025 request pays nothing),
     * and its {@code Mcp-Session-Id} dropped (the revision says to ignore it; it must not reach the session table).
     */
    private static HttpFacts modernFacts(HttpServerRequest req, HttpFacts http) {
        // One pass over the headers; every routing header starts with "mcp", so others are passed at their first char.
        String method = null;
        String name = null;
        boolean versionSeen = false;
        Map<String, String> params = Map.of();
        Set<String> duplicated = Set.of();
        for (Map.Entry<String, String> header : req.headers()) {
            String key = header.getKey();
            if (key.length() < MCP_NAME.length() || Character.toLowerCase(key.charAt(0)) != 'm') {
                continue;
            }
            boolean again = false;
            if (key.equalsIgnoreCase(MCP_METHOD)) {
                again = method != null;
                method = again ? method : header.getValue();
            } else if (key.equalsIgnoreCase(MCP_NAME)) {
                again = name != null;
                name = again ? name : header.getValue();
            } else if (key.equalsIgnoreCase(PROTOCOL_VERSION)) {
                again = versionSeen;
                versionSeen = true;
            } else if (key.regionMatches(true, 0, PARAM_PREFIX, 0, PARAM_PREFIX.length())) {
                params = params.isEmpty() ? new HashMap<>() : params;
                String param = key.substring(PARAM_PREFIX.length()).toLowerCase(Locale.ROOT);
                again = params.containsKey(param);
                params.putIfAbsent(param, header.getValue());
            }
            if (again) {
                duplicated = duplicated.isEmpty() ? new TreeSet<>() : duplicated;
                duplicated.add(key.toLowerCase(Locale.ROOT));
            }
        }
        return new HttpFacts(http.authorization(), null, http.protocolVersion(), http.traceHeaders(), http.peer(),
                Era.MODERN, new RoutingHeaders(method, name, params, duplicated), http.connectionMemo());
    }

    private static long nowEpochNanos() {
        Instant now = Instant.now();
        return TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
    }
}
