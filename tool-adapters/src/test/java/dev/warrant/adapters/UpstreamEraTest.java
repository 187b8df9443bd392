package dev.warrant.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The era choice per HTTP upstream: 2026-07-28 only for a discover result that offers it; every other answer
 * falls back to initialize and then works exactly as before; no answer at all fails the connection.
 */
@Timeout(30)
class UpstreamEraTest {

    private static final UpstreamException UNKNOWN =
            UpstreamException.errorResponse(-32601, "Method not found", null);

    @Test
    void aResultOfferingTheVersionIsModernAnyOtherAnswerIsLegacy() {
        Map<String, Object> modern = Map.of("supportedVersions", List.of("2026-07-28"), "capabilities", Map.of());
        Map<String, Object> other = Map.of("supportedVersions", List.of("2027-01-01"), "capabilities", Map.of());
        UpstreamException status = new UpstreamException(UpstreamException.Kind.UNAVAILABLE, "answered HTTP 400");
        assertThat(UpstreamEra.choose(new UpstreamEra.Probe(modern, null, 200))).isEqualTo(UpstreamEra.Choice.MODERN);
        assertThat(UpstreamEra.choose(new UpstreamEra.Probe(other, null, 200))).isEqualTo(UpstreamEra.Choice.LEGACY);
        assertThat(UpstreamEra.choose(new UpstreamEra.Probe(Map.of(), null, 200))).isEqualTo(UpstreamEra.Choice.LEGACY);
        assertThat(UpstreamEra.choose(new UpstreamEra.Probe(null, UNKNOWN, 404))).isEqualTo(UpstreamEra.Choice.LEGACY);
        assertThat(UpstreamEra.choose(new UpstreamEra.Probe(null, status, 400))).isEqualTo(UpstreamEra.Choice.LEGACY);
    }

    @Test
    void noAnswerAtAllFailsTheConnection() {
        UpstreamException refused = new UpstreamException(UpstreamException.Kind.UNAVAILABLE, "unreachable");
        UpstreamException silent = new UpstreamException(UpstreamException.Kind.TIMEOUT, "no response");
        assertThatThrownBy(() -> UpstreamEra.choose(new UpstreamEra.Probe(null, refused, 0))).isSameAs(refused);
        assertThatThrownBy(() -> UpstreamEra.choose(new UpstreamEra.Probe(null, silent, 0))).isSameAs(silent);
    }

    static Stream<Arguments> refusals() {
        Function<JsonObject, JsonObject> error = request -> new JsonObject().put("jsonrpc", "2.0").put("id", null)
                .put("error", new JsonObject().put("code", -32600).put("message", "Bad Request: Missing session ID"));
        return Stream.of(
                Arguments.of("400 without a body", (Function<JsonObject, ScriptedHttpServer.Answer>) request ->
                        new ScriptedHttpServer.Answer(400, null, null)),
                Arguments.of("405 text", (Function<JsonObject, ScriptedHttpServer.Answer>) request ->
                        new ScriptedHttpServer.Answer(405, "text/plain", "Method Not Allowed")),
                Arguments.of("400 JSON-RPC error without id", (Function<JsonObject, ScriptedHttpServer.Answer>)
                        request -> ScriptedHttpServer.Answer.json(400, error.apply(request))),
                Arguments.of("404 -32601", (Function<JsonObject, ScriptedHttpServer.Answer>) request ->
                        ScriptedHttpServer.Answer.json(404, new JsonObject().put("jsonrpc", "2.0")
                                .put("id", request.getValue("id")).put("error", new JsonObject()
                                        .put("code", -32601).put("message", "Method not found")))),
                Arguments.of("400 -32022 naming only 2025", (Function<JsonObject, ScriptedHttpServer.Answer>)
                        request -> ScriptedHttpServer.Answer.json(400, new JsonObject().put("jsonrpc", "2.0")
                                .put("id", request.getValue("id")).put("error", new JsonObject().put("code", -32022)
                                        .put("message", "Unsupported protocol version").put("data", new JsonObject()
                                                .put("supported", new JsonArray().add("2025-11-25"))
                                                .put("requested", "2026-07-28"))))),
                Arguments.of("a result without 2026-07-28", (Function<JsonObject, ScriptedHttpServer.Answer>)
                        request -> ScriptedHttpServer.Answer.json(200, new JsonObject().put("jsonrpc", "2.0")
                                .put("id", request.getValue("id")).put("result", ScriptedHttpServer.MODERN_DISCOVER
                                        .copy().put("supportedVersions", new JsonArray().add("2027-01-01"))))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void anUpstreamThatRefusesDiscoverIsSpokenToWithInitialize(String why,
            Function<JsonObject, ScriptedHttpServer.Answer> refusal) throws Exception {
        try (ScriptedHttpServer server = new ScriptedHttpServer()) {
            server.discover = refusal;
            try (Upstream upstream = Upstreams.connect(new HttpUpstreamSpec("legacy", server.url(), Map.of(),
                    Duration.ofSeconds(5))).get(10, TimeUnit.SECONDS)) {
                assertThat(upstream.initializeResult()).containsEntry("protocolVersion", "2025-06-18");
                Map<String, Object> result = upstream.call("tools/call", Map.of("name", "echo"), null).result()
                        .get(5, TimeUnit.SECONDS);
                assertThat(StdioUpstreamTest.map(result.get("echoedParams"))).containsEntry("name", "echo");
            }
            assertThat(server.seen).first().satisfies(s -> assertThat(s.rpcMethod()).isEqualTo("server/discover"));
            assertThat(server.seen.get(1).rpcMethod()).isEqualTo("initialize");
            ScriptedHttpServer.Seen call = server.seen("tools/call").get(0);
            assertThat(call.headers().get("Mcp-Session-Id")).isEqualTo("session-1");
            assertThat(call.headers().get("MCP-Protocol-Version")).isEqualTo("2025-06-18");
            assertThat(call.body().getJsonObject("params").containsKey("_meta")).isFalse();
        }
    }
}
