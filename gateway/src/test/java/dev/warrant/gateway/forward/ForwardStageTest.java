package dev.warrant.gateway.forward;

import dev.warrant.delegation.VerifiedToken;
import dev.warrant.gateway.builtin.BuiltinTools;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.pipeline.EchoTool;
import dev.warrant.gateway.pipeline.Exchanges;
import dev.warrant.gateway.pipeline.FakeChain;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.pipeline.Outcomes;
import dev.warrant.gateway.pipeline.TestTokens;
import dev.warrant.gateway.transport.ProtocolVersions;
import dev.warrant.gateway.transport.Session;
import dev.warrant.gateway.transport.SessionRegistry;
import dev.warrant.gateway.transport.SessionSettings;
import dev.warrant.gateway.upstream.ToolEntry;
import dev.warrant.gateway.upstream.UpstreamRegistry;
import dev.warrant.gateway.upstream.UpstreamRoute;
import dev.warrant.otel.Telemetry;
import dev.warrant.policies.PolicyEngine;
import dev.warrant.policies.RiskTier;
import dev.warrant.policies.Verdict;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ForwardStage alone: it answers (through the handler of the method) and never proceeds. First with handlers
 * of the test's, then with the gateway's real handlers over a real registry with no upstream connected.
 */
class ForwardStageTest {

    private static final TestTokens TOKENS = new TestTokens();
    private static final VerifiedToken PLANNER = TOKENS.verified("planner");

    private final UpstreamRegistry upstreams = new UpstreamRegistry();
    private final EchoTool echo = new EchoTool();
    private final ForwardStage real = new ForwardStage(McpMethods.handlers("test-version", upstreams,
            PolicyEngine.withDefaults(Clock.systemUTC()), Telemetry.noop(), new BuiltinTools(List.of(echo)), 100));
    private final SessionRegistry sessions = new SessionRegistry(Clock.systemUTC(), SessionSettings.defaults());

    @AfterEach
    void closeRegistry() {
        upstreams.close();
    }

    private McpExchange onSession(Exchanges builder) {
        McpExchange exchange = builder.build();
        exchange.token(PLANNER);
        exchange.session(sessions.create(PLANNER.revocationIds().get(0), "planner", "2025-06-18"));
        return exchange;
    }

    @Test
    void theMethodsHandlerAnswersOnceAndTheChainIsNeverCalled() {
        List<McpExchange> handled = new ArrayList<>();
        Promise<JsonObject> later = Promise.promise();
        ForwardStage stage = new ForwardStage(Map.of("tools/call", exchange -> {
            handled.add(exchange);
            return later.future();
        }));
        FakeChain chain = FakeChain.succeeding();
        McpExchange exchange = Exchanges.request("tools/call").build();

        Future<JsonObject> answer = chain.run(stage, exchange);

        assertThat(handled).containsExactly(exchange);
        assertThat(answer.isComplete()).isFalse();
        later.complete(new JsonObject().put("content", new JsonArray()));
        assertThat(answer.result().containsKey("content")).isTrue();
        assertThat(chain.calls()).isZero();
    }

    @Test
    void aMethodWithoutAHandlerIsMethodNotFound() {
        FakeChain chain = FakeChain.succeeding();
        for (String method : List.of("tasks/list", "sampling/createMessage", "tools/call/extra", "")) {
            assertThat(Outcomes.refusal(chain.run(real, Exchanges.request(method).build()))).as(method)
                    .isEqualTo(Reason.METHOD_NOT_FOUND);
        }
        assertThat(chain.calls()).isZero();
    }

    @Test
    void pingIsAnsweredByTheGatewayItself() {
        Future<JsonObject> answer = FakeChain.succeeding().run(real, onSession(Exchanges.request("ping")));

        assertThat(answer.result()).isEqualTo(new JsonObject());
    }

    @Test
    void initializeAnswersTheSessionsVersionAndKeepsTheClientsCapabilities() {
        McpExchange exchange = onSession(Exchanges.request("initialize", new JsonObject()
                .put("protocolVersion", "2025-06-18")
                .put("capabilities", new JsonObject().put("sampling", new JsonObject()))));

        JsonObject result = FakeChain.succeeding().run(real, exchange).result();

        assertThat(result.getString("protocolVersion")).isEqualTo("2025-06-18");
        assertThat(result.getJsonObject("serverInfo").getString("version")).isEqualTo("test-version");
        assertThat(result.getJsonObject("capabilities").containsKey("tools")).isTrue();
        assertThat(exchange.session().declares("sampling")).isTrue();
        assertThat(exchange.session().declares("elicitation")).isFalse();
    }

    @Test
    void toolsListWithNoUpstreamListsTheBuiltinTools() {
        JsonObject result = FakeChain.succeeding().run(real, onSession(Exchanges.request("tools/list"))).result();

        assertThat(result.getJsonArray("tools")).extracting(t -> ((JsonObject) t).getString("name"))
                .containsExactly(EchoTool.NAME);
    }

    @Test
    void aBuiltinToolCallIsAnsweredByTheTool() {
        McpExchange exchange = onSession(Exchanges.request("tools/call", new JsonObject().put("name", EchoTool.NAME)
                .put("arguments", new JsonObject().put("say", "hi"))));
        exchange.verdict(Verdict.allow());

        JsonObject result = FakeChain.succeeding().run(real, exchange).result();

        assertThat(echo.calls).containsExactly(new JsonObject().put("say", "hi"));
        assertThat(result.getJsonArray("content").getJsonObject(0).getString("text")).contains("hi");
    }

    @Test
    void anAuthorizedCallToAnUpstreamThatIsGoneIsUpstreamUnavailable() {
        McpExchange call = onSession(Exchanges.request("tools/call", new JsonObject().put("name", "notes__read_note")));
        call.verdict(Verdict.allow());
        call.target(new ToolEntry("notes", "read_note", "notes__read_note", Map.of(), RiskTier.LOW));
        McpExchange read = onSession(Exchanges.request("resources/read", new JsonObject().put("uri", "file:///a")));
        read.verdict(Verdict.allow());
        read.route(new UpstreamRoute("files", "resources/read", Map.of("uri", "file:///a")));

        assertThat(Outcomes.refusal(FakeChain.succeeding().run(real, call))).isEqualTo(Reason.UPSTREAM_UNAVAILABLE);
        assertThat(Outcomes.refusal(FakeChain.succeeding().run(real, read))).isEqualTo(Reason.UPSTREAM_UNAVAILABLE);
    }

    @Test
    void nothingIsForwardedThatWasNotAuthorized() {
        // A tools/call or resources/read that skipped the authorize stage is a wiring bug: it fails, it is not sent.
        McpExchange call = onSession(Exchanges.request("tools/call", new JsonObject().put("name", "notes__read_note")));
        McpExchange read = onSession(Exchanges.request("resources/read", new JsonObject().put("uri", "file:///a")));

        Future<JsonObject> callAnswer = FakeChain.succeeding().run(real, call);
        Future<JsonObject> readAnswer = FakeChain.succeeding().run(real, read);

        assertThat(callAnswer.cause()).isInstanceOf(IllegalStateException.class);
        assertThat(readAnswer.cause()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void initializeAnswersTheVersionTheSessionStageNegotiatedNotTheRequestedOne() {
        McpExchange exchange = Exchanges.request("initialize", new JsonObject().put("protocolVersion", "2025-06-18"))
                .build();
        exchange.token(PLANNER);
        Session session = sessions.create(PLANNER.revocationIds().get(0), "planner", ProtocolVersions.LATEST);
        exchange.session(session);

        assertThat(FakeChain.succeeding().run(real, exchange).result().getString("protocolVersion"))
                .isEqualTo(ProtocolVersions.LATEST);
    }
}
