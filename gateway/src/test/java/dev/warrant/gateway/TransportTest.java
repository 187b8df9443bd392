package dev.warrant.gateway;

import dev.warrant.delegation.Delegator;
import dev.warrant.delegation.HopSpec;
import dev.warrant.delegation.MintSpec;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Streamable HTTP framing of the agent endpoint, byte by byte, with a Vert.x client against a real
 * gateway: every refusal has its HTTP status and its stable {@code error.data.reason}, and no answer ever
 * carries a Java stack trace.
 */
@ExtendWith(VertxExtension.class)
class TransportTest {

    static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"%s\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";
    static final String TOOLS_LIST = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";
    static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":\"p-1\",\"method\":\"ping\"}";

    static TestGateway gw;
    static HttpClient client;
    static io.vertx.core.Context loop;
    static int port;
    static String planner;
    static String plannerAgain;
    static String researcher;
    static String mallory;
    /** Delegated by the planner: read_note under /notes/public/ only, for "path" and for "options.path". */
    static String constrained;
    /** Every body the gateway sent, checked for leaked internals at the end. */
    static final ConcurrentLinkedQueue<String> bodies = new ConcurrentLinkedQueue<>();

    record Reply(int status, MultiMap headers, String body) {
        JsonObject json() {
            return new JsonObject(body);
        }

        String reason() {
            return json().getJsonObject("error").getJsonObject("data").getString("reason");
        }

        int rpcCode() {
            return json().getJsonObject("error").getInteger("code");
        }
    }

    @BeforeAll
    static void start(Vertx vertx) throws Exception {
        gw = new TestGateway(null);
        port = gw.gateway.port();
        client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
        loop = vertx.getOrCreateContext();
        planner = gw.minter.mint(MintSpec.builder("planner").right("tool", "notes", "read_note")
                .ttl(Duration.ofHours(1)).build());
        plannerAgain = gw.minter.mint(MintSpec.builder("planner").right("tool", "notes", "read_note")
                .ttl(Duration.ofHours(1)).build());
        researcher = Delegator.attenuate(planner, HopSpec.delegateTo("researcher").tools("notes", "read_note")
                .build(), Clock.systemUTC());
        constrained = Delegator.attenuate(planner, HopSpec.delegateTo("intern").tools("notes", "read_note")
                .argPathPrefix("path", "/notes/public/").build(), Clock.systemUTC());
        mallory = gw.minter.mint(MintSpec.builder("mallory").right("tool", "notes", "read_note")
                .ttl(Duration.ofHours(1)).build());
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
        assertThat(bodies).isNotEmpty().allSatisfy(TransportTest::noInternals);
    }

    static void noInternals(String body) {
        assertThat(body).doesNotContain("at dev.warrant").doesNotContain("Exception").doesNotContain("at java.")
                .doesNotContain("at io.vertx");
    }

    // --- plumbing ---

    static RequestOptions options(HttpMethod method, String path) {
        return new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(path)
                .setConnectTimeout(5_000).setIdleTimeout(10_000);
    }

    /**
     * Runs one exchange on the test's own event-loop context, so the connection, the response and our
     * callbacks share one thread: calling {@code body()} from another thread races the end of a short response
     * (the connection closes right after it) and the body future would never complete.
     */
    static Future<Reply> send(RequestOptions options, String body, String... headers) {
        io.vertx.core.Promise<Reply> reply = io.vertx.core.Promise.promise();
        loop.runOnContext(v -> client.request(options).compose(req -> {
            for (int i = 0; i < headers.length; i += 2) {
                req.putHeader(headers[i], headers[i + 1]);
            }
            return (body == null ? req.send() : req.send(Buffer.buffer(body)))
                    .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), resp.headers(), b.toString())));
        }).onSuccess(r -> bodies.add(r.body())).onComplete(reply));
        return reply.future();
    }

    /** A well-formed MCP POST: JSON, both media types accepted; extra headers alternate name, value. */
    static Future<Reply> post(String body, String... headers) {
        String[] all = new String[headers.length + 4];
        all[0] = "Content-Type";
        all[1] = "application/json";
        all[2] = "Accept";
        all[3] = "application/json, text/event-stream";
        System.arraycopy(headers, 0, all, 4, headers.length);
        return send(options(HttpMethod.POST, "/mcp"), body, all);
    }

    static String bearer(String token) {
        return "Bearer " + token;
    }

    /** initialize with {@code token}; the session id. */
    static Future<String> session(String token) {
        return post(INITIALIZE.formatted("2025-06-18"), "Authorization", bearer(token)).map(r -> {
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            return r.headers().get("Mcp-Session-Id");
        });
    }

    static <T> void verify(VertxTestContext ctx, Future<T> future, Consumer<T> check) {
        future.onComplete(ctx.succeeding(value -> ctx.verify(() -> {
            check.accept(value);
            ctx.completeNow();
        })));
    }

    static void refusal(Reply r, int status, String reason) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().get("Content-Type")).startsWith("application/json");
        assertThat(r.json().getString("jsonrpc")).isEqualTo("2.0");
        assertThat(r.reason()).as(r.body()).isEqualTo(reason);
    }

    // --- framing ---

    @Test
    void malformedJsonIsAParseError(VertxTestContext ctx) {
        verify(ctx, post("{\"jsonrpc\":\"2.0\",\"id\":1,", "Authorization", bearer(planner)), r -> {
            refusal(r, 400, "parse_error");
            assertThat(r.rpcCode()).isEqualTo(-32700);
            assertThat(r.json().containsKey("id")).isTrue();
            assertThat(r.json().getValue("id")).isNull();
        });
    }

    @Test
    void emptyBodyIsAParseError(VertxTestContext ctx) {
        verify(ctx, post("", "Authorization", bearer(planner)), r -> refusal(r, 400, "parse_error"));
    }

    @Test
    void aBatchIsAnInvalidRequest(VertxTestContext ctx) {
        verify(ctx, post("[" + PING + "," + PING + "]", "Authorization", bearer(planner)), r -> {
            refusal(r, 400, "invalid_request");
            assertThat(r.rpcCode()).isEqualTo(-32600);
        });
    }

    @Test
    void envelopeErrorsAreInvalidRequests(VertxTestContext ctx) {
        Future<List<Reply>> all = Future.all(List.of(
                post("{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}"),
                post("{\"id\":1,\"method\":\"ping\"}"),
                post("{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}"),
                post("{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}"),
                post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7}"),
                post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":[1]}"),
                post("{\"jsonrpc\":\"2.0\",\"id\":1}"),
                post("\"just a string\""),
                post("42"))).map(f -> f.<Reply>list());
        verify(ctx, all, replies -> {
            for (Reply r : replies) {
                refusal(r, 400, "invalid_request");
            }
        });
    }

    @Test
    void wrongContentTypeIs415(VertxTestContext ctx) {
        Future<List<Reply>> all = Future.all(List.of(
                send(options(HttpMethod.POST, "/mcp"), PING, "Content-Type", "text/plain", "Accept", "application/json"),
                send(options(HttpMethod.POST, "/mcp"), PING, "Accept", "application/json"),
                send(options(HttpMethod.POST, "/mcp"), PING, "Content-Type", "application/jsonp", "Accept", "application/json"),
                send(options(HttpMethod.POST, "/mcp"), PING, "Content-Type", "application/x-www-form-urlencoded")))
                .map(f -> f.<Reply>list());
        verify(ctx, all, replies -> {
            for (Reply r : replies) {
                refusal(r, 415, "unsupported_media_type");
            }
        });
    }

    @Test
    void contentTypeParametersAndCaseAreFine(VertxTestContext ctx) {
        verify(ctx, send(options(HttpMethod.POST, "/mcp"), INITIALIZE.formatted("2025-06-18"),
                "Content-Type", "Application/JSON; charset=utf-8", "Accept", "application/json, text/event-stream",
                "Authorization", bearer(planner)), r -> assertThat(r.status()).as(r.body()).isEqualTo(200));
    }

    @Test
    void acceptingOnlyHtmlIs406(VertxTestContext ctx) {
        verify(ctx, send(options(HttpMethod.POST, "/mcp"), PING, "Content-Type", "application/json", "Accept", "text/html"),
                r -> refusal(r, 406, "not_acceptable"));
    }

    @Test
    void aBodyOverTheLimitIs413(VertxTestContext ctx) {
        String pad = "x".repeat((1 << 20) + 16);
        String big = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\"" + pad + "\"}}";
        verify(ctx, post(big, "Authorization", bearer(planner)), r -> refusal(r, 413, "body_too_large"));
    }

    @Test
    void aBodyJustUnderTheLimitIsRead(VertxTestContext ctx) {
        String head = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\"";
        String tail = "\"}}";
        String body = head + "x".repeat((1 << 20) - head.length() - tail.length()) + tail;
        assertThat(body.length()).isEqualTo(1 << 20);
        verify(ctx, session(planner).compose(id -> post(body, "Authorization", bearer(planner), "Mcp-Session-Id", id)),
                r -> {
                    assertThat(r.status()).as(r.body().length() > 300 ? r.body().substring(0, 300) : r.body()).isEqualTo(200);
                    assertThat(r.json().getJsonObject("result")).isNotNull();
                });
    }

    @Test
    void otherHttpMethodsAre405(VertxTestContext ctx) {
        verify(ctx, send(options(HttpMethod.PUT, "/mcp"), PING, "Content-Type", "application/json"),
                r -> refusal(r, 405, "method_not_allowed"));
    }

    // --- DNS rebinding ---

    @Test
    void aForeignHostIs403(VertxTestContext ctx) {
        RequestOptions foreign = options(HttpMethod.POST, "/mcp")
                .setServer(SocketAddress.inetSocketAddress(port, "127.0.0.1"))
                .setHost("evil.example").setPort(80);
        verify(ctx, send(foreign, INITIALIZE.formatted("2025-06-18"), "Content-Type", "application/json",
                "Accept", "application/json, text/event-stream", "Authorization", bearer(planner)), r -> {
            refusal(r, 403, "host_forbidden");
            assertThat(r.headers().get("Mcp-Session-Id")).isNull();
        });
    }

    @Test
    void aForeignHostIsRefusedOnEveryMethod(VertxTestContext ctx) {
        RequestOptions get = options(HttpMethod.GET, "/mcp").setServer(SocketAddress.inetSocketAddress(port, "127.0.0.1"))
                .setHost("evil.example").setPort(port);
        RequestOptions delete = options(HttpMethod.DELETE, "/mcp").setServer(SocketAddress.inetSocketAddress(port, "127.0.0.1"))
                .setHost("evil.example").setPort(port);
        Future<List<Reply>> all = Future.all(List.of(
                send(get, null, "Accept", "text/event-stream", "Authorization", bearer(planner)),
                send(delete, null, "Authorization", bearer(planner)))).map(f -> f.<Reply>list());
        verify(ctx, all, replies -> {
            for (Reply r : replies) {
                refusal(r, 403, "host_forbidden");
            }
        });
    }

    @Test
    void aForeignOriginIs403(VertxTestContext ctx) {
        Future<List<Reply>> all = Future.all(List.of(
                post(INITIALIZE.formatted("2025-06-18"), "Origin", "http://evil.example", "Authorization", bearer(planner)),
                post(INITIALIZE.formatted("2025-06-18"), "Origin", "null", "Authorization", bearer(planner)),
                post(INITIALIZE.formatted("2025-06-18"), "Origin", "http://127.0.0.1:" + (port + 1),
                        "Authorization", bearer(planner)),
                post(INITIALIZE.formatted("2025-06-18"), "Origin", "http://127.0.0.1.evil.example:" + port,
                        "Authorization", bearer(planner))))
                .map(f -> f.<Reply>list());
        verify(ctx, all, replies -> {
            for (Reply r : replies) {
                refusal(r, 403, "origin_forbidden");
            }
        });
    }

    @Test
    void ourOwnOriginIsAccepted(VertxTestContext ctx) {
        Future<List<Reply>> all = Future.all(List.of(
                post(INITIALIZE.formatted("2025-06-18"), "Origin", "http://127.0.0.1:" + port, "Authorization", bearer(planner)),
                post(INITIALIZE.formatted("2025-06-18"), "Origin", "http://localhost:" + port, "Authorization", bearer(planner))))
                .map(f -> f.<Reply>list());
        verify(ctx, all, replies -> {
            for (Reply r : replies) {
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                assertThat(r.headers().get("Mcp-Session-Id")).isNotBlank();
            }
        });
    }

    // --- sessions ---

    @Test
    void initializeOpensASessionAndNegotiatesTheVersion(VertxTestContext ctx) {
        Future<List<Reply>> all = Future.all(List.of(
                post(INITIALIZE.formatted("2025-06-18"), "Authorization", bearer(planner)),
                post(INITIALIZE.formatted("1999-01-01"), "Authorization", bearer(planner)),
                post(INITIALIZE.formatted("2025-03-26"), "Authorization", bearer(planner))))
                .map(f -> f.<Reply>list());
        verify(ctx, all, replies -> {
            Reply current = replies.get(0);
            assertThat(current.status()).isEqualTo(200);
            assertThat(current.headers().get("Mcp-Session-Id")).matches("ws2\\.[A-Za-z0-9_-]{40,}");
            assertThat(current.json().getValue("id")).isEqualTo(1);
            JsonObject result = current.json().getJsonObject("result");
            assertThat(result.getString("protocolVersion")).isEqualTo("2025-06-18");
            assertThat(result.getJsonObject("serverInfo").getString("name")).isEqualTo("warrant");
            assertThat(result.getJsonObject("capabilities").containsKey("tools")).isTrue();

            assertThat(replies.get(1).json().getJsonObject("result").getString("protocolVersion")).isEqualTo("2025-11-25");
            assertThat(replies.get(2).json().getJsonObject("result").getString("protocolVersion")).isEqualTo("2025-03-26");
            // Every initialize opens its own session.
            assertThat(replies.stream().map(r -> r.headers().get("Mcp-Session-Id")).distinct()).hasSize(3);
        });
    }

    @Test
    void aRequestWithoutASessionIs400(VertxTestContext ctx) {
        verify(ctx, post(TOOLS_LIST, "Authorization", bearer(planner)), r -> refusal(r, 400, "session_missing"));
    }

    @Test
    void anUnknownSessionIs404(VertxTestContext ctx) {
        verify(ctx, post(TOOLS_LIST, "Authorization", bearer(planner), "Mcp-Session-Id", "0123456789abcdef0123456789abcdef"),
                r -> refusal(r, 404, "session_unknown"));
    }

    @Test
    void aSessionWorksForItsOwner(VertxTestContext ctx) {
        verify(ctx, session(planner).compose(id -> post(TOOLS_LIST, "Authorization", bearer(planner), "Mcp-Session-Id", id,
                "MCP-Protocol-Version", "2025-06-18")), r -> {
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().getJsonObject("result").getJsonArray("tools")).isNotNull();
        });
    }

    @Test
    void aSessionUsedWithAnotherAgentsTokenIs403(VertxTestContext ctx) {
        Future<List<Reply>> all = session(planner).compose(id -> Future.all(List.of(
                post(TOOLS_LIST, "Authorization", bearer(mallory), "Mcp-Session-Id", id),
                // Same agent name, different token: sessions belong to a token, not to a name.
                post(TOOLS_LIST, "Authorization", bearer(plannerAgain), "Mcp-Session-Id", id),
                // A delegatee of the owner is another caller.
                post(TOOLS_LIST, "Authorization", bearer(researcher), "Mcp-Session-Id", id),
                post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":1}}",
                        "Authorization", bearer(mallory), "Mcp-Session-Id", id),
                send(options(HttpMethod.DELETE, "/mcp"), null, "Authorization", bearer(mallory), "Mcp-Session-Id", id),
                // The owner still has it after all that.
                post(PING, "Authorization", bearer(planner), "Mcp-Session-Id", id)))
                .map(f -> f.<Reply>list()));
        verify(ctx, all, replies -> {
            for (Reply r : replies.subList(0, 5)) {
                refusal(r, 403, "session_owner_mismatch");
            }
            assertThat(replies.get(5).status()).as(replies.get(5).body()).isEqualTo(200);
        });
    }

    @Test
    void anUnsupportedProtocolVersionHeaderIs400(VertxTestContext ctx) {
        Future<List<Reply>> all = session(planner).compose(id -> Future.all(List.of(
                post(TOOLS_LIST, "Authorization", bearer(planner), "Mcp-Session-Id", id, "MCP-Protocol-Version", "1999-01-01"),
                post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", "Authorization", bearer(planner),
                        "Mcp-Session-Id", id, "MCP-Protocol-Version", "1999-01-01"),
                send(options(HttpMethod.GET, "/mcp"), null, "Accept", "text/event-stream",
                        "Authorization", bearer(planner), "Mcp-Session-Id", id, "MCP-Protocol-Version", "1999-01-01")))
                .map(f -> f.<Reply>list()));
        verify(ctx, all, replies -> {
            for (Reply r : replies) {
                refusal(r, 400, "protocol_version_unsupported");
            }
        });
    }

    @Test
    void deleteEndsTheSession(VertxTestContext ctx) {
        Future<List<Reply>> all = session(planner).compose(id ->
                send(options(HttpMethod.DELETE, "/mcp"), null, "Authorization", bearer(planner), "Mcp-Session-Id", id)
                        .compose(deleted -> post(PING, "Authorization", bearer(planner), "Mcp-Session-Id", id)
                                .compose(after -> send(options(HttpMethod.DELETE, "/mcp"), null,
                                        "Authorization", bearer(planner), "Mcp-Session-Id", id)
                                        .map(again -> List.of(deleted, after, again)))));
        verify(ctx, all, replies -> {
            assertThat(replies.get(0).status()).isEqualTo(200);
            refusal(replies.get(1), 404, "session_unknown");
            refusal(replies.get(2), 404, "session_unknown");
        });
    }

    @Test
    void deleteWithoutATokenIs401(VertxTestContext ctx) {
        verify(ctx, session(planner).compose(id ->
                send(options(HttpMethod.DELETE, "/mcp"), null, "Mcp-Session-Id", id)), r -> {
            refusal(r, 401, "token_missing");
            assertThat(r.headers().get("WWW-Authenticate")).startsWith("Bearer resource_metadata=");
        });
    }

    // --- messages ---

    @Test
    void anUnknownMethodIsMethodNotFound(VertxTestContext ctx) {
        verify(ctx, session(planner).compose(id -> post("{\"jsonrpc\":\"2.0\",\"id\":\"x-7\",\"method\":\"no/such\"}",
                "Authorization", bearer(planner), "Mcp-Session-Id", id)), r -> {
            refusal(r, 200, "method_not_found");
            assertThat(r.rpcCode()).isEqualTo(-32601);
            assertThat(r.json().getValue("id")).isEqualTo("x-7");
        });
    }

    @Test
    void requestIdsAreEchoedAsSent(VertxTestContext ctx) {
        verify(ctx, session(planner).compose(id -> Future.all(List.of(
                post(PING, "Authorization", bearer(planner), "Mcp-Session-Id", id),
                post("{\"jsonrpc\":\"2.0\",\"id\":9007199254740993,\"method\":\"ping\"}", "Authorization", bearer(planner),
                        "Mcp-Session-Id", id)))
                .map(f -> f.<Reply>list())), replies -> {
            assertThat(replies.get(0).json().getValue("id")).isEqualTo("p-1");
            assertThat(replies.get(0).json().getJsonObject("result")).isEqualTo(new JsonObject());
            assertThat(replies.get(1).body()).contains("\"id\":9007199254740993");
        });
    }

    @Test
    void aNotificationIsAccepted(VertxTestContext ctx) {
        verify(ctx, session(planner).compose(id -> Future.all(List.of(
                post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                        "Authorization", bearer(planner), "Mcp-Session-Id", id),
                post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":99}}",
                        "Authorization", bearer(planner), "Mcp-Session-Id", id),
                // A client's answer to a server request.
                post("{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{}}", "Authorization", bearer(planner), "Mcp-Session-Id", id)))
                .map(f -> f.<Reply>list())), replies -> {
            for (Reply r : replies) {
                assertThat(r.status()).as(r.body()).isEqualTo(202);
                assertThat(r.body()).isEmpty();
            }
        });
    }

    @Test
    void aNotificationStillNeedsATokenAndASession(VertxTestContext ctx) {
        String note = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
        Future<List<Reply>> all = Future.all(List.of(
                post(note),
                post(note, "Authorization", bearer(planner)),
                post(note, "Authorization", bearer(planner), "Mcp-Session-Id", "ffffffffffffffffffffffffffffffff")))
                .map(f -> f.<Reply>list());
        verify(ctx, all, replies -> {
            refusal(replies.get(0), 401, "token_missing");
            refusal(replies.get(1), 400, "session_missing");
            refusal(replies.get(2), 404, "session_unknown");
        });
    }

    @Test
    void withoutATokenEverythingIs401WithAChallenge(VertxTestContext ctx) {
        Future<List<Reply>> all = Future.all(List.of(
                post(INITIALIZE.formatted("2025-06-18")),
                post(INITIALIZE.formatted("2025-06-18"), "Authorization", "Basic dXNlcjpwYXNz"),
                post(INITIALIZE.formatted("2025-06-18"), "Authorization", "Bearer not-a-token"),
                send(options(HttpMethod.GET, "/mcp"), null, "Accept", "text/event-stream")))
                .map(f -> f.<Reply>list());
        verify(ctx, all, replies -> {
            refusal(replies.get(0), 401, "token_missing");
            refusal(replies.get(1), 401, "token_missing");
            refusal(replies.get(2), 401, "token_malformed");
            refusal(replies.get(3), 401, "token_missing");
            for (Reply r : replies) {
                assertThat(r.headers().get("WWW-Authenticate")).isEqualTo("Bearer resource_metadata=\"http://127.0.0.1:"
                        + port + "/.well-known/oauth-protected-resource\"" + (r == replies.get(2) ? ", error=\"invalid_token\"" : ""));
            }
        });
    }

    static String call(String argumentsJson) {
        return "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"notes__read_note\","
                + "\"arguments\":" + argumentsJson + "}}";
    }

    @Test
    void argumentsReachThePolicyAsJsonTrees(VertxTestContext ctx) {
        // Arrays must arrive as lists (one fact per element), not as one opaque string.
        Future<List<Reply>> all = session(constrained).compose(id -> Future.all(List.of(
                post(call("{\"path\":\"/notes/public/hello.md\"}"), "Authorization", bearer(constrained), "Mcp-Session-Id", id),
                post(call("{\"path\":[\"/notes/public/hello.md\",\"/notes/private/plan.md\"]}"),
                        "Authorization", bearer(constrained), "Mcp-Session-Id", id),
                post(call("{\"path\":[\"/notes/public/hello.md\",\"../private/plan.md\"]}"),
                        "Authorization", bearer(constrained), "Mcp-Session-Id", id),
                post(call("{\"path\":[\"/notes/public/hello.md\",\"/notes/public/other.md\"]}"),
                        "Authorization", bearer(constrained), "Mcp-Session-Id", id),
                post(call("{\"path\":\"/notes/public/hello.md\",\"\":\"x\"}"),
                        "Authorization", bearer(constrained), "Mcp-Session-Id", id)))
                .map(f -> f.<Reply>list()));
        verify(ctx, all, replies -> {
            Reply allowed = replies.get(0);
            assertThat(allowed.status()).isEqualTo(200);
            assertThat(allowed.body()).contains("Hello from Warrant");
            refusal(replies.get(1), 200, "constraint_failed");
            assertThat(replies.get(1).rpcCode()).isEqualTo(-32003);
            refusal(replies.get(2), 200, "constraint_failed");
            // Both elements allowed: the policy lets it through (what the upstream makes of an array is its own
            // business), so the reason is anything but a constraint failure.
            assertThat(replies.get(3).status()).isEqualTo(200);
            assertThat(replies.get(3).body()).doesNotContain("constraint_failed");
            // An argument with an empty name is a clean denial, not an internal error.
            refusal(replies.get(4), 200, "argument_limit");
        });
    }

    // --- the GET stream and metadata ---

    @Test
    void getOpensAnEventStream(VertxTestContext ctx) {
        Future<String> firstBytes = session(planner).compose(id -> client.request(options(HttpMethod.GET, "/mcp"))
                .compose(req -> req.putHeader("Accept", "text/event-stream")
                        .putHeader("Authorization", bearer(planner))
                        .putHeader("Mcp-Session-Id", id)
                        .send())
                .compose(resp -> {
                    ctx.verify(() -> {
                        assertThat(resp.statusCode()).isEqualTo(200);
                        assertThat(resp.getHeader("Content-Type")).startsWith("text/event-stream");
                        assertThat(resp.getHeader("Cache-Control")).isEqualTo("no-cache");
                    });
                    io.vertx.core.Promise<String> first = io.vertx.core.Promise.promise();
                    resp.handler(chunk -> {
                        if (first.tryComplete(chunk.toString())) {
                            resp.request().connection().close();
                        }
                    });
                    resp.exceptionHandler(first::tryFail);
                    return first.future();
                }));
        verify(ctx, firstBytes, text -> assertThat(text).startsWith(": "));
    }

    @Test
    void getRefusesHtmlAndMissingSessions(VertxTestContext ctx) {
        Future<List<Reply>> all = Future.all(List.of(
                send(options(HttpMethod.GET, "/mcp"), null, "Accept", "text/html", "Authorization", bearer(planner)),
                send(options(HttpMethod.GET, "/mcp"), null, "Accept", "text/event-stream", "Authorization", bearer(planner)),
                send(options(HttpMethod.GET, "/mcp"), null, "Accept", "text/event-stream", "Authorization", bearer(planner),
                        "Mcp-Session-Id", "nope")))
                .map(f -> f.<Reply>list());
        verify(ctx, all, replies -> {
            refusal(replies.get(0), 406, "not_acceptable");
            refusal(replies.get(1), 400, "session_missing");
            refusal(replies.get(2), 404, "session_unknown");
        });
    }

    @Test
    void protectedResourceMetadataNamesTheEndpoint(VertxTestContext ctx) {
        verify(ctx, send(options(HttpMethod.GET, "/.well-known/oauth-protected-resource"), null), r -> {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers().get("Content-Type")).startsWith("application/json");
            String resource = r.json().getString("resource");
            assertThat(resource).endsWith("/mcp").isEqualTo("http://127.0.0.1:" + port + "/mcp");
            assertThat(r.json().getJsonArray("bearer_methods_supported").getList()).containsExactly("header");
        });
    }

    @Test
    void unknownPathsAreNotFoundWithoutInternals(VertxTestContext ctx) {
        verify(ctx, send(options(HttpMethod.GET, "/mcp/../admin"), null), r -> {
            assertThat(r.status()).isIn(400, 404);
            noInternals(r.body());
        });
    }
}
