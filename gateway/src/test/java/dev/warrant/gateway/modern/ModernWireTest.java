package dev.warrant.gateway.modern;

import dev.warrant.delegation.MintSpec;
import dev.warrant.gateway.PythonProcess;
import dev.warrant.gateway.TestGateway;
import dev.warrant.gateway.transport.ProtocolVersions;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * MCP 2026-07-28 on the wire, as the revision words it, including what a hostile or confused client sends:
 * routing headers that disagree with the body (HTTP 400, -32020, and the call has no effect upstream), versions
 * outside the list (-32022 naming the supported ones), missing {@code _meta}, removed methods (404, -32601),
 * session ids (ignored), GET and DELETE (405), responses POSTed by a client that is never asked anything.
 */
class ModernWireTest {

    private static final String V = "2026-07-28";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static PythonProcess fixture;
    private static TestGateway gw;
    private static String token;

    @BeforeAll
    static void start() throws Exception {
        fixture = PythonProcess.fixtureServer();
        gw = new TestGateway("fixture", fixture.mcpUrl(), null, UnaryOperator.identity());
        token = gw.minter.mint(MintSpec.builder("wire-agent")
                .right("tool", "fixture", "echo").right("tool", "fixture", "regional")
                .right("tool", "notes", "read_note")
                .right("resource", "fixture", "fixture://")
                .ttl(Duration.ofMinutes(10)).build());
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) {
            gw.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    /** A well-formed 2026-07-28 request: the body and the headers a conforming client derives from it. */
    private static final class Call {
        final JsonObject body;
        final Map<String, List<String>> headers = new LinkedHashMap<>();
        String method = "POST";

        Call(String method, JsonObject params) {
            JsonObject meta = new JsonObject().put(MetaKeys.PROTOCOL_VERSION, V)
                    .put(MetaKeys.CLIENT_CAPABILITIES, new JsonObject())
                    .put(MetaKeys.CLIENT_INFO, new JsonObject().put("name", "wire-test").put("version", "1"));
            body = new JsonObject().put("jsonrpc", "2.0").put("id", 7).put("method", method)
                    .put("params", params.copy().put("_meta", meta));
            header("MCP-Protocol-Version", V);
            header("Mcp-Method", method);
            Object name = params.getValue("name") != null ? params.getValue("name") : params.getValue("uri");
            if (name != null) {
                header("Mcp-Name", name.toString());
            }
        }

        Call header(String name, String value) {
            headers.put(name, new java.util.ArrayList<>(List.of(value)));
            return this;
        }

        Call also(String name, String value) {
            headers.computeIfAbsent(name, k -> new java.util.ArrayList<>()).add(value);
            return this;
        }

        Call without(String name) {
            headers.remove(name);
            return this;
        }

        Call meta(String key, Object value) {
            JsonObject meta = body.getJsonObject("params").getJsonObject("_meta");
            if (value == null) {
                meta.remove(key);
            } else {
                meta.put(key, value);
            }
            return this;
        }

        HttpResponse<String> send() throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(gw.mcpUrl()).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream")
                    .header("Authorization", "Bearer " + token)
                    .method(method, "POST".equals(method) ? HttpRequest.BodyPublishers.ofString(body.encode())
                            : HttpRequest.BodyPublishers.noBody());
            headers.forEach((name, values) -> values.forEach(v -> b.header(name, v)));
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private static Call toolCall(String tool, JsonObject arguments) {
        return new Call("tools/call", new JsonObject().put("name", tool).put("arguments", arguments));
    }

    private static JsonObject error(HttpResponse<String> r) {
        return new JsonObject(r.body()).getJsonObject("error");
    }

    /** A traceparent with a fresh trace id, so the spans of one request can be picked out. */
    private static String traceparent(String traceId) {
        return "00-" + traceId + "-" + HexFormat.of().formatHex(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}) + "-01";
    }

    private static String newTraceId() {
        byte[] id = new byte[16];
        ThreadLocalRandom.current().nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    private static List<SpanData> spans(String traceId) {
        return gw.spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId)).toList();
    }

    private static JsonObject auditLine(Predicate<JsonObject> which) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> Files.readAllLines(gw.stateDir.resolve("audit.log"))
                .stream().map(JsonObject::new).filter(which).findFirst().orElse(null), java.util.Objects::nonNull);
    }

    @Test
    void discoverNamesBothErasAndWhatTheCallerMaySee() throws Exception {
        HttpResponse<String> r = new Call("server/discover", new JsonObject()).send();
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Mcp-Session-Id")).isEmpty();
        JsonObject result = new JsonObject(r.body()).getJsonObject("result");
        assertThat(result.getString("resultType")).isEqualTo("complete");
        assertThat(result.getJsonArray("supportedVersions").getList()).isEqualTo(ProtocolVersions.ALL);
        assertThat(result.getJsonObject("capabilities").fieldNames()).contains("tools", "resources", "prompts");
        assertThat(result.getValue("ttlMs")).isEqualTo(0);
        assertThat(result.getString("cacheScope")).isEqualTo("private");
        assertThat(result.getJsonObject("_meta").getJsonObject(MetaKeys.SERVER_INFO).getString("name")).isEqualTo("warrant");
        assertThat(result.containsKey("serverInfo")).isFalse();

        // A caller that may see nothing of the upstreams is told only of the gateway's own tools.
        String blind = gw.minter.mint(MintSpec.builder("blind-agent").right("tool", "elsewhere", "x")
                .ttl(Duration.ofMinutes(10)).build());
        String saved = token;
        token = blind;
        try {
            JsonObject narrow = new JsonObject(new Call("server/discover", new JsonObject()).send().body())
                    .getJsonObject("result");
            assertThat(narrow.getJsonObject("capabilities").fieldNames()).containsExactly("tools");
        } finally {
            token = saved;
        }
    }

    @Test
    void listsCarryCacheHintsAndNoSession() throws Exception {
        HttpResponse<String> r = new Call("tools/list", new JsonObject()).header("Mcp-Session-Id", "not-a-session").send();
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        // The revision: a session id on a 2026 request is ignored, never minted or echoed.
        assertThat(r.headers().firstValue("Mcp-Session-Id")).isEmpty();
        JsonObject result = new JsonObject(r.body()).getJsonObject("result");
        assertThat(result.getString("resultType")).isEqualTo("complete");
        assertThat(result.getString("cacheScope")).isEqualTo("private");
        assertThat(result.getValue("ttlMs")).isEqualTo(0);
        List<String> names = result.getJsonArray("tools").stream().map(t -> ((JsonObject) t).getString("name")).toList();
        assertThat(names).contains("fixture__echo", "fixture__regional").isSorted();
    }

    @Test
    void aCallWhoseNameHeaderDisagreesIsRefusedAndNeverForwarded() throws Exception {
        String trace = newTraceId();
        HttpResponse<String> r = toolCall("fixture__echo", new JsonObject().put("text", "x"))
                .header("Mcp-Name", "fixture__regional").header("traceparent", traceparent(trace)).send();
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(error(r).getInteger("code")).isEqualTo(-32020);
        assertThat(error(r).getJsonObject("data").getString("reason")).isEqualTo("header_mismatch");
        await().atMost(Duration.ofSeconds(10)).until(() -> !spans(trace).isEmpty());
        assertThat(spans(trace)).noneMatch(s -> s.getKind() == SpanKind.CLIENT);
        JsonObject line = auditLine(j -> trace.equals(j.getString("traceId")));
        assertThat(line.getString("reason")).isEqualTo("header_mismatch");
    }

    @Test
    void nameHeadersInBase64AreDecodedBeforeTheyAreCompared() throws Exception {
        String encoded = "=?base64?" + Base64.getEncoder().encodeToString("fixture__echo".getBytes(StandardCharsets.UTF_8)) + "?=";
        HttpResponse<String> r = toolCall("fixture__echo", new JsonObject().put("text", "b64")).header("Mcp-Name", encoded).send();
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("b64");
        // Not canonical base64 of the same bytes (a stray bit in the padding): not the client's encoding of anything.
        HttpResponse<String> bad = toolCall("fixture__echo", new JsonObject().put("text", "b64"))
                .header("Mcp-Name", "=?base64?Zml4dHVyZV9fZWNobx==?=").send();
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(error(bad).getInteger("code")).isEqualTo(-32020);
    }

    @Test
    void paramHeadersMustMirrorTheArgumentsTheToolMarks() throws Exception {
        JsonObject args = new JsonObject().put("region", "eu-west1").put("query", "select 1");
        String forwarded = newTraceId();
        HttpResponse<String> ok = toolCall("fixture__regional", args).header("Mcp-Param-Region", "eu-west1")
                .header("traceparent", traceparent(forwarded)).send();
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(ok.body()).contains("eu-west1: select 1");
        // The control: a call that is forwarded has a CLIENT span, so the absence of one below means something.
        await().atMost(Duration.ofSeconds(10)).until(() -> spans(forwarded).stream().anyMatch(s -> s.getKind() == SpanKind.CLIENT));

        String trace = newTraceId();
        HttpResponse<String> lying = toolCall("fixture__regional", args).header("Mcp-Param-Region", "us-east1")
                .header("traceparent", traceparent(trace)).send();
        assertThat(lying.statusCode()).isEqualTo(400);
        assertThat(error(lying).getInteger("code")).isEqualTo(-32020);
        await().atMost(Duration.ofSeconds(10)).until(() -> !spans(trace).isEmpty());
        assertThat(spans(trace)).noneMatch(s -> s.getKind() == SpanKind.CLIENT);

        HttpResponse<String> missing = toolCall("fixture__regional", args).send();
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(error(missing).getInteger("code")).isEqualTo(-32020);
    }

    @Test
    void theMethodAndVersionHeadersMustMatchTheBody() throws Exception {
        HttpResponse<String> method = new Call("tools/list", new JsonObject()).header("Mcp-Method", "tools/call").send();
        assertThat(method.statusCode()).isEqualTo(400);
        assertThat(error(method).getInteger("code")).isEqualTo(-32020);

        HttpResponse<String> noMethod = new Call("tools/list", new JsonObject()).without("Mcp-Method").send();
        assertThat(noMethod.statusCode()).isEqualTo(400);
        assertThat(error(noMethod).getInteger("code")).isEqualTo(-32020);

        HttpResponse<String> twice = new Call("tools/list", new JsonObject()).also("Mcp-Method", "tools/list").send();
        assertThat(twice.statusCode()).isEqualTo(400);
        assertThat(error(twice).getInteger("code")).isEqualTo(-32020);

        HttpResponse<String> version = new Call("tools/list", new JsonObject()).meta(MetaKeys.PROTOCOL_VERSION, "2025-11-25").send();
        assertThat(version.statusCode()).isEqualTo(400);
        assertThat(error(version).getInteger("code")).isEqualTo(-32020);
    }

    @Test
    void aRoutingHeaderSentTwiceIsAMismatchWhateverItsCase() throws Exception {
        JsonObject args = new JsonObject().put("region", "eu-west1").put("query", "select 1");
        HttpResponse<String> name = toolCall("fixture__echo", new JsonObject().put("text", "x"))
                .also("Mcp-Name", "fixture__echo").send();
        HttpResponse<String> version = toolCall("fixture__echo", new JsonObject().put("text", "x"))
                .also("MCP-Protocol-Version", V).send();
        HttpResponse<String> param = toolCall("fixture__regional", args).header("Mcp-Param-Region", "eu-west1")
                .header("mcp-param-REGION", "eu-west1").send();
        for (HttpResponse<String> twice : List.of(name, version, param)) {
            assertThat(twice.statusCode()).as(twice.body()).isEqualTo(400);
            assertThat(error(twice).getInteger("code")).isEqualTo(-32020);
            assertThat(error(twice).getString("message")).contains("more than once");
        }
        assertThat(error(param).getString("message")).contains("mcp-param-region");
    }

    @Test
    void theAgentsEnvelopeStaysAtTheGatewayWhileItsOtherMetaGoesUpstream() throws Exception {
        HttpResponse<String> r = toolCall("notes__read_note", new JsonObject().put("path", "/notes/public/hello.md"))
                .meta("vendor.example/tag", "kept").meta(MetaKeys.LOG_LEVEL, "info").send();
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> lines = java.nio.file.Files.readAllLines(gw.metaLog);
        JsonObject received = new JsonObject(lines.get(lines.size() - 1));
        assertThat(received.getString("vendor.example/tag")).isEqualTo("kept");
        assertThat(received.getString("traceparent")).isNotBlank();
        assertThat(received.fieldNames()).doesNotContain(MetaKeys.PROTOCOL_VERSION, MetaKeys.CLIENT_CAPABILITIES,
                MetaKeys.CLIENT_INFO, MetaKeys.LOG_LEVEL);
    }

    @Test
    void aVersionOutsideTheListIsRefusedNamingTheSupportedOnes() throws Exception {
        HttpResponse<String> r = new Call("tools/list", new JsonObject()).header("MCP-Protocol-Version", "2099-01-01")
                .meta(MetaKeys.PROTOCOL_VERSION, "2099-01-01").send();
        assertThat(r.statusCode()).isEqualTo(400);
        JsonObject error = error(r);
        assertThat(error.getInteger("code")).isEqualTo(-32022);
        assertThat(error.getJsonObject("data").getJsonArray("supported")).isEqualTo(new JsonArray(ProtocolVersions.ALL));
        assertThat(error.getJsonObject("data").getString("requested")).isEqualTo("2099-01-01");
    }

    @Test
    void aRequestWithoutItsEnvelopeIsInvalidParams() throws Exception {
        HttpResponse<String> r = new Call("tools/list", new JsonObject()).meta(MetaKeys.CLIENT_CAPABILITIES, null).send();
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(error(r).getInteger("code")).isEqualTo(-32602);

        HttpResponse<String> level = new Call("tools/list", new JsonObject()).meta(MetaKeys.LOG_LEVEL, "loud").send();
        assertThat(level.statusCode()).isEqualTo(400);
        assertThat(error(level).getInteger("code")).isEqualTo(-32602);
    }

    @Test
    void methodsTheRevisionRemovedAreNotFound() throws Exception {
        for (String removed : List.of("ping", "initialize", "logging/setLevel", "resources/subscribe")) {
            HttpResponse<String> r = new Call(removed, new JsonObject()).send();
            assertThat(r.statusCode()).as(removed).isEqualTo(404);
            assertThat(error(r).getInteger("code")).as(removed).isEqualTo(-32601);
        }
    }

    @Test
    void anUnknownResourceIsInvalidParams() throws Exception {
        HttpResponse<String> r = new Call("resources/read", new JsonObject().put("uri", "fixture://nope")).send();
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(error(r).getInteger("code")).isEqualTo(-32602);
    }

    @Test
    void getAndDeleteAre405AndAudited() throws Exception {
        for (String verb : List.of("GET", "DELETE")) {
            Call c = new Call("tools/list", new JsonObject());
            c.method = verb;
            HttpResponse<String> r = c.send();
            assertThat(r.statusCode()).as(verb).isEqualTo(405);
            assertThat(r.headers().firstValue("Allow")).contains("POST");
        }
        assertThat(auditLine(j -> "stream".equals(j.getString("method")) && "method_not_allowed".equals(j.getString("reason"))))
                .isNotNull();
        assertThat(auditLine(j -> "end_session".equals(j.getString("method")) && "method_not_allowed".equals(j.getString("reason"))))
                .isNotNull();
    }

    @Test
    void aModernClientMayNotPostAResponseButMayPostANotification() throws Exception {
        Call response = new Call("tools/list", new JsonObject());
        response.body.remove("method");
        response.body.remove("params");
        response.body.put("result", new JsonObject()).getJsonObject("result")
                .put("_meta", new JsonObject().put(MetaKeys.PROTOCOL_VERSION, V));
        HttpResponse<String> r = response.send();
        assertThat(r.statusCode()).isEqualTo(400);

        Call notification = new Call("notifications/cancelled", new JsonObject().put("requestId", 1));
        notification.body.remove("id");
        assertThat(notification.send().statusCode()).isEqualTo(202);
    }
}
