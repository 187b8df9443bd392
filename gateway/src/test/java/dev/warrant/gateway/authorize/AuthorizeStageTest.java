package dev.warrant.gateway.authorize;

import dev.warrant.delegation.AuthorizationLimits;
import dev.warrant.delegation.HopSpec;
import dev.warrant.delegation.PolicySet;
import dev.warrant.gateway.builtin.BuiltinTools;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.pipeline.EchoTool;
import dev.warrant.gateway.pipeline.Exchanges;
import dev.warrant.gateway.pipeline.FakeChain;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.pipeline.Outcomes;
import dev.warrant.gateway.pipeline.TestTokens;
import dev.warrant.gateway.upstream.UpstreamRegistry;
import dev.warrant.gateway.upstream.UpstreamRoute;
import dev.warrant.otel.McpAttributes;
import dev.warrant.otel.Telemetry;
import dev.warrant.policies.ArgumentLimits;
import dev.warrant.policies.PolicyEngine;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * AuthorizeStage alone, with the real PolicyEngine (default policy), a real upstream registry with no upstream
 * connected, and a built-in tool. Without a connected upstream the catalog is empty: a tools/call reaches the
 * policy only for built-ins; resources on a virtual server ({@code /servers/{name}/mcp}) reach it without a
 * catalog, so they carry the allow/deny paths here. Tool decisions against a real catalog stay end-to-end.
 */
class AuthorizeStageTest {

    private static final TestTokens TOKENS = new TestTokens();
    private static final String NOTES_READER = TOKENS.mint("reader",
            b -> b.right("resource", "files", "file:///notes/").right("tool", "notes", "*"));

    /** A wall clock the test can move forward (hop expiry). */
    static final class MovableClock extends Clock {
        Duration ahead = Duration.ZERO;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(ahead);
        }
    }

    private final MovableClock clock = new MovableClock();
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final SdkTracerProvider tracing = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
    private final Telemetry telemetry = Telemetry.of(OpenTelemetrySdk.builder().setTracerProvider(tracing).build());
    private final UpstreamRegistry upstreams = new UpstreamRegistry();
    private final EchoTool echo = new EchoTool();
    private PolicyEngine engine = PolicyEngine.withDefaults(clock);

    @AfterEach
    void close() {
        upstreams.close();
        tracing.close();
    }

    private AuthorizeStage stage() {
        return new AuthorizeStage(engine, upstreams, telemetry, new BuiltinTools(List.of(echo)), null);
    }

    private static McpExchange as(String token, Exchanges builder) {
        McpExchange exchange = builder.build();
        exchange.token(TOKENS.verify(token));
        return exchange;
    }

    private static Exchanges readOnFiles(String uri) {
        return Exchanges.request("resources/read", new JsonObject().put("uri", uri)).virtualServer("files");
    }

    private SpanData authorizeSpan() {
        assertThat(spans.getFinishedSpanItems()).extracting(SpanData::getName).containsExactly("authorize");
        return spans.getFinishedSpanItems().get(0);
    }

    @Test
    void methodsDecidedElsewhereProceedUntouched() {
        for (String method : List.of("initialize", "ping", "tools/list", "resources/list", "prompts/list",
                "logging/setLevel", "notifications/cancelled", "stream")) {
            FakeChain chain = FakeChain.succeeding(new JsonObject().put("method", method));
            McpExchange exchange = as(NOTES_READER, Exchanges.request(method));

            Future<JsonObject> answer = chain.run(stage(), exchange);

            assertThat(answer.result().getString("method")).isEqualTo(method);
            assertThat(chain.calls()).as(method).isEqualTo(1);
            assertThat(exchange.verdict()).as(method).isNull();
        }
        assertThat(spans.getFinishedSpanItems()).as("no decision, no authorize span").isEmpty();
    }

    @Test
    void aBuiltinToolIsAllowedWithoutAuthorityAndWithoutATarget() {
        FakeChain chain = FakeChain.succeeding();
        McpExchange exchange = as(TOKENS.mint("nobody", b -> b), Exchanges.request("tools/call",
                new JsonObject().put("name", EchoTool.NAME).put("arguments", new JsonObject())));

        assertThat(chain.run(stage(), exchange).succeeded()).isTrue();

        assertThat(chain.calls()).isEqualTo(1);
        assertThat(exchange.verdict().allowed()).isTrue();
        assertThat(exchange.target()).isNull();
    }

    @Test
    void builtinToolsDoNotExistOnAVirtualServer() {
        FakeChain chain = FakeChain.succeeding();
        McpExchange exchange = as(NOTES_READER, Exchanges.request("tools/call",
                new JsonObject().put("name", EchoTool.NAME)).virtualServer("notes"));

        assertThat(Outcomes.refusal(chain.run(stage(), exchange))).isEqualTo(Reason.UNKNOWN_TOOL);
        assertThat(chain.calls()).isZero();
    }

    @Test
    void aToolNoUpstreamServesIsUnknownWithoutADecision() {
        FakeChain chain = FakeChain.succeeding();
        McpExchange exchange = as(NOTES_READER, Exchanges.request("tools/call",
                new JsonObject().put("name", "notes__read_note")));

        assertThat(Outcomes.refusal(chain.run(stage(), exchange))).isEqualTo(Reason.UNKNOWN_TOOL);
        assertThat(chain.calls()).isZero();
        assertThat(exchange.verdict()).isNull();
        assertThat(exchange.target()).isNull();
    }

    @Test
    void malformedToolCallsAreInvalidParams() {
        List<JsonObject> malformed = List.of(
                new JsonObject(),
                new JsonObject().put("name", 42),
                new JsonObject().put("name", EchoTool.NAME).put("arguments", new JsonArray().add(1)),
                new JsonObject().put("name", EchoTool.NAME).put("arguments", "text"));
        for (JsonObject params : malformed) {
            FakeChain chain = FakeChain.succeeding();
            assertThat(Outcomes.refusal(chain.run(stage(), as(NOTES_READER, Exchanges.request("tools/call", params)))))
                    .as(params.encode()).isEqualTo(Reason.INVALID_PARAMS);
            assertThat(chain.calls()).isZero();
        }
    }

    @Test
    void anAllowedResourceReadFixesItsRouteBeforeProceeding() {
        FakeChain chain = FakeChain.succeeding(new JsonObject().put("contents", new JsonArray()));
        McpExchange exchange = as(NOTES_READER, readOnFiles("file:///notes/today.md"));

        Future<JsonObject> answer = chain.run(stage(), exchange);

        assertThat(answer.succeeded()).isTrue();
        assertThat(chain.calls()).isEqualTo(1);
        assertThat(exchange.verdict().allowed()).isTrue();
        UpstreamRoute route = exchange.route();
        assertThat(route.server()).isEqualTo("files");
        assertThat(route.method()).isEqualTo("resources/read");
        assertThat(route.params()).containsEntry("uri", "file:///notes/today.md");
        SpanData span = authorizeSpan();
        assertThat(span.getAttributes().get(McpAttributes.WARRANT_DECISION)).isEqualTo("allow");
        assertThat(span.getAttributes().get(McpAttributes.WARRANT_POLICY)).contains("starts_with");
    }

    @Test
    void aResourceTheCallerMayNotSeeIsAnsweredAsUnknown() {
        FakeChain chain = FakeChain.succeeding();
        McpExchange exchange = as(NOTES_READER, readOnFiles("file:///etc/passwd"));

        assertThat(Outcomes.refusal(chain.run(stage(), exchange))).isEqualTo(Reason.UNKNOWN_RESOURCE);
        assertThat(chain.calls()).isZero();
        assertThat(exchange.verdict().allowed()).as("the audit still names the denying decision").isFalse();
        assertThat(exchange.route()).isNull();
        assertThat(spans.getFinishedSpanItems()).extracting(s -> s.getAttributes().get(McpAttributes.WARRANT_DECISION))
                .containsExactly("deny");
    }

    @Test
    void aVisibleResourceRefusedByPolicyNamesTheRealReason() throws Exception {
        // Reading is denied while listing is not: the caller may know the resource exists.
        engine = new PolicyEngine(PolicySet.concat(
                PolicySet.parse("deny if method(\"resources/read\");", "no-reads"), PolicySet.defaults()),
                AuthorizationLimits.defaults(), ArgumentLimits.defaults(), clock);
        FakeChain chain = FakeChain.succeeding();
        McpExchange exchange = as(NOTES_READER, readOnFiles("file:///notes/today.md"));

        Reason reason = Outcomes.refusal(chain.run(stage(), exchange));

        assertThat(reason).isNotEqualTo(Reason.UNKNOWN_RESOURCE);
        assertThat(reason.isDenial()).as(reason.code()).isTrue();
        assertThat(reason.code()).isEqualTo(exchange.verdict().reason());
        assertThat(chain.calls()).isZero();
    }

    @Test
    void anExpiredHopIsAnAuthenticationFailureNotAHiddenResource() {
        String hop = TestTokens.delegate(NOTES_READER, HopSpec.delegateTo("helper")
                .resources("files", "file:///notes/").ttl(Duration.ofMinutes(1)).build());
        clock.ahead = Duration.ofMinutes(5);
        FakeChain chain = FakeChain.succeeding();

        Reason reason = Outcomes.refusal(chain.run(stage(), as(hop, readOnFiles("file:///notes/today.md"))));

        assertThat(reason.isAuthentication()).as(reason.code()).isTrue();
        assertThat(chain.calls()).isZero();
    }

    @Test
    void aResourceNoUpstreamListsIsUnknownOnTheGatewaysOwnEndpoint() {
        FakeChain chain = FakeChain.succeeding();
        McpExchange exchange = as(NOTES_READER, Exchanges.request("resources/read",
                new JsonObject().put("uri", "file:///notes/today.md")));

        assertThat(Outcomes.refusal(chain.run(stage(), exchange))).isEqualTo(Reason.UNKNOWN_RESOURCE);
        assertThat(chain.calls()).isZero();
        assertThat(exchange.verdict()).isNull();
    }

    @Test
    void anUnknownPromptAndMalformedFeatureRequestsAreRefusedWithoutProceeding() {
        record Case(String method, JsonObject params, Reason reason) {
        }
        List<Case> cases = List.of(
                new Case("prompts/get", new JsonObject().put("name", "notes__summary"), Reason.UNKNOWN_PROMPT),
                new Case("prompts/get", new JsonObject(), Reason.INVALID_PARAMS),
                new Case("resources/subscribe", new JsonObject().put("uri", 7), Reason.INVALID_PARAMS),
                new Case("completion/complete", new JsonObject(), Reason.INVALID_PARAMS),
                new Case("completion/complete", new JsonObject().put("ref", new JsonObject().put("type", "ref/tool")),
                        Reason.INVALID_PARAMS),
                new Case("completion/complete", new JsonObject().put("ref",
                        new JsonObject().put("type", "ref/prompt").put("name", "notes__summary")), Reason.UNKNOWN_PROMPT));
        for (Case c : cases) {
            FakeChain chain = FakeChain.succeeding();
            assertThat(Outcomes.refusal(chain.run(stage(), as(NOTES_READER, Exchanges.request(c.method(), c.params())))))
                    .as(c.method() + " " + c.params().encode()).isEqualTo(c.reason());
            assertThat(chain.calls()).isZero();
        }
    }
}
