package dev.warrant.gateway.transport;

import dev.warrant.delegation.HopSpec;
import dev.warrant.delegation.VerifiedToken;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.modern.MetaKeys;
import dev.warrant.gateway.pipeline.Exchanges;
import dev.warrant.gateway.pipeline.FakeChain;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.pipeline.Outcomes;
import dev.warrant.gateway.pipeline.TestTokens;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SessionStage alone, with a real SessionRegistry: initialize opens a session that enters the table only when
 * everything after the stage answered; every other message must name a live session of its own caller.
 */
class SessionStageTest {

    private static final TestTokens TOKENS = new TestTokens();
    private static final String PLANNER_TOKEN = TOKENS.mint("planner");
    private static final VerifiedToken PLANNER = TOKENS.verify(PLANNER_TOKEN);
    private static final VerifiedToken RESEARCHER = TOKENS.verified("researcher");

    private final ManualClock clock = new ManualClock();
    private SessionRegistry sessions = new SessionRegistry(clock, SessionSettings.defaults());

    private SessionStage stage() {
        return new SessionStage(sessions);
    }

    private static McpExchange as(VerifiedToken token, Exchanges builder) {
        McpExchange exchange = builder.peer("spiffe://test/agent").build();
        exchange.token(token);
        return exchange;
    }

    private static Exchanges initialize(String version) {
        return Exchanges.request("initialize", new JsonObject().put("protocolVersion", version));
    }

    private Session plannersSession() {
        return sessions.create(PLANNER.revocationIds().get(0), PLANNER.caller(), ProtocolVersions.LATEST);
    }

    // --- initialize ---

    @Test
    void initializeOpensASessionThatEntersTheTableOnlyOnceTheChainAnswered() {
        Promise<JsonObject> answered = Promise.promise();
        AtomicInteger tableAtProceed = new AtomicInteger(-1);
        FakeChain chain = FakeChain.pending(answered).onProceed(ex -> tableAtProceed.set(sessions.size()));
        McpExchange exchange = as(PLANNER, initialize("2025-06-18"));

        Future<JsonObject> answer = chain.run(stage(), exchange);

        assertThat(chain.calls()).isEqualTo(1);
        Session opened = exchange.session();
        assertThat(opened).as("the initialize itself uses its session").isNotNull();
        assertThat(tableAtProceed.get()).as("invisible while the initialize is under way").isZero();
        assertThat(sessions.peek(opened.id())).isNull();
        assertThat(opened.protocolVersion()).isEqualTo("2025-06-18");
        assertThat(opened.isOwnedBy(PLANNER.revocationIds().get(0), "planner")).isTrue();
        assertThat(opened.peer()).contains("spiffe://test/agent");
        assertThat(opened.usedByAny(t -> t == PLANNER)).isTrue();

        answered.complete(new JsonObject().put("protocolVersion", "2025-06-18"));

        assertThat(answer.succeeded()).isTrue();
        assertThat(answer.result().getString("protocolVersion")).isEqualTo("2025-06-18");
        assertThat(sessions.size()).isEqualTo(1);
        assertThat(sessions.peek(opened.id())).isSameAs(opened);
        assertThat(sessions.heldBy(PLANNER.revocationIds().get(0))).isEqualTo(1);
    }

    @Test
    void aRefusedInitializeLeavesNoSessionBehind() {
        WarrantException refusal = WarrantException.of(Reason.RATE_LIMITED);
        FakeChain chain = FakeChain.failing(refusal);
        McpExchange exchange = as(PLANNER, initialize(ProtocolVersions.LATEST));

        Future<JsonObject> answer = chain.run(stage(), exchange);

        assertThat(answer.cause()).isSameAs(refusal);
        assertThat(sessions.size()).isZero();
        assertThat(sessions.heldBy(PLANNER.revocationIds().get(0))).isZero();
        assertThat(exchange.session().isClosed()).isTrue();
    }

    @Test
    void anUnknownRequestedVersionGetsOurLatest() {
        McpExchange exchange = as(PLANNER, initialize("1999-01-01"));

        FakeChain.succeeding().run(stage(), exchange);

        assertThat(exchange.session().protocolVersion()).isEqualTo(ProtocolVersions.LATEST);
    }

    @Test
    void initializeIsNotHeldToTheProtocolVersionHeader() {
        // The version is negotiated in the body; a client may send any header on its first message.
        FakeChain chain = FakeChain.succeeding();

        Future<JsonObject> answer = chain.run(stage(), as(PLANNER, initialize("2025-06-18").protocolVersion("1999-01-01")));

        assertThat(answer.succeeded()).isTrue();
        assertThat(chain.calls()).isEqualTo(1);
    }

    @Test
    void aGrantAtItsQuotaIsRefusedBeforeProceeding() {
        sessions = new SessionRegistry(clock, new SessionSettings(Duration.ofHours(1), 10, 1));
        plannersSession();
        FakeChain chain = FakeChain.succeeding();

        Future<JsonObject> answer = chain.run(stage(), as(PLANNER, initialize(ProtocolVersions.LATEST)));

        assertThat(Outcomes.refusal(answer)).isEqualTo(Reason.SESSION_LIMIT);
        assertThat(chain.calls()).isZero();
        assertThat(sessions.size()).isEqualTo(1);
    }

    @Test
    void twoInitializesUnderWayCannotTogetherPassTheQuota() {
        sessions = new SessionRegistry(clock, new SessionSettings(Duration.ofHours(1), 10, 1));
        Promise<JsonObject> first = Promise.promise();
        Promise<JsonObject> second = Promise.promise();
        McpExchange one = as(PLANNER, initialize(ProtocolVersions.LATEST));
        McpExchange two = as(PLANNER, initialize(ProtocolVersions.LATEST));
        Future<JsonObject> answerOne = FakeChain.pending(first).run(stage(), one);
        Future<JsonObject> answerTwo = FakeChain.pending(second).run(stage(), two);

        first.complete(new JsonObject());
        second.complete(new JsonObject());

        assertThat(answerOne.succeeded()).isTrue();
        assertThat(Outcomes.refusal(answerTwo)).isEqualTo(Reason.SESSION_LIMIT);
        assertThat(sessions.size()).isEqualTo(1);
        assertThat(sessions.peek(one.session().id())).isSameAs(one.session());
        assertThat(two.session().isClosed()).isTrue();
    }

    // --- every other message ---

    @Test
    void aMessageOnItsOwnSessionIsBoundToItAndProceedsOnce() {
        Session session = plannersSession();
        FakeChain chain = FakeChain.succeeding(new JsonObject().put("tools", 0));
        McpExchange exchange = as(PLANNER, Exchanges.request("tools/list").sessionId(session.id())
                .protocolVersion(ProtocolVersions.LATEST));

        Future<JsonObject> answer = chain.run(stage(), exchange);

        assertThat(answer.result().getInteger("tools")).isZero();
        assertThat(chain.calls()).isEqualTo(1);
        assertThat(exchange.session()).isSameAs(session);
        assertThat(session.peer()).contains("spiffe://test/agent");
    }

    @Test
    void anotherCallersMessageOnTheSessionIsSessionOwnerMismatch() {
        Session session = plannersSession();
        String delegated = TestTokens.delegate(PLANNER_TOKEN, HopSpec.delegateTo("writer").tools("notes", "*").build());
        for (VerifiedToken stranger : new VerifiedToken[] {RESEARCHER, TOKENS.verify(delegated)}) {
            FakeChain chain = FakeChain.succeeding();
            McpExchange exchange = as(stranger, Exchanges.request("tools/list").sessionId(session.id()));

            assertThat(Outcomes.refusal(chain.run(stage(), exchange))).as(stranger.caller())
                    .isEqualTo(Reason.SESSION_OWNER_MISMATCH);
            assertThat(chain.calls()).isZero();
            assertThat(exchange.session()).isNull();
        }
        assertThat(sessions.peek(session.id())).as("the owner's session survives").isSameAs(session);
    }

    @Test
    void everyKindOfMessageIsHeldToTheOwnerOfItsSession() {
        Session session = plannersSession();
        Exchanges[] kinds = {
                Exchanges.notification("notifications/cancelled", new JsonObject().put("requestId", 1)),
                Exchanges.response("warrant-1", new JsonObject().put("id", "warrant-1").put("result", new JsonObject())),
                Exchanges.get(),
                Exchanges.delete()};
        for (Exchanges kind : kinds) {
            FakeChain strangers = FakeChain.succeeding();
            assertThat(Outcomes.refusal(strangers.run(stage(), as(RESEARCHER, kind.sessionId(session.id())))))
                    .isEqualTo(Reason.SESSION_OWNER_MISMATCH);
            assertThat(strangers.calls()).isZero();

            FakeChain owners = FakeChain.succeeding();
            McpExchange exchange = as(PLANNER, kind);
            assertThat(owners.run(stage(), exchange).succeeded()).isTrue();
            assertThat(owners.calls()).isEqualTo(1);
            assertThat(exchange.session()).isSameAs(session);
        }
    }

    @Test
    void noSessionIdIsSessionMissingAndAnUnknownOneSessionUnknown() {
        FakeChain chain = FakeChain.succeeding();

        assertThat(Outcomes.refusal(chain.run(stage(), as(PLANNER, Exchanges.request("tools/list")))))
                .isEqualTo(Reason.SESSION_MISSING);
        assertThat(Outcomes.refusal(chain.run(stage(), as(PLANNER, Exchanges.get().sessionId("0123456789abcdef")))))
                .isEqualTo(Reason.SESSION_UNKNOWN);
        assertThat(chain.calls()).isZero();
    }

    @Test
    void anUnsupportedProtocolVersionHeaderIsRefusedWithoutProceeding() {
        Session session = plannersSession();
        FakeChain chain = FakeChain.succeeding();
        McpExchange exchange = as(PLANNER, Exchanges.request("tools/list").sessionId(session.id())
                .protocolVersion("2099-01-01"));

        assertThat(Outcomes.refusal(chain.run(stage(), exchange))).isEqualTo(Reason.PROTOCOL_VERSION_UNSUPPORTED);
        assertThat(chain.calls()).isZero();
        assertThat(exchange.session()).isNull();
    }

    @Test
    void everySupportedProtocolVersionHeaderIsAccepted() {
        Session session = plannersSession();
        for (String version : ProtocolVersions.SUPPORTED) {
            FakeChain chain = FakeChain.succeeding();
            chain.run(stage(), as(PLANNER, Exchanges.request("ping").sessionId(session.id()).protocolVersion(version)));
            assertThat(chain.calls()).as(version).isEqualTo(1);
        }
    }

    @Test
    void aSessionIdleLongerThanTheTimeoutIsUnknownAndLeavesTheTable() {
        sessions = new SessionRegistry(clock, new SessionSettings(Duration.ofMinutes(10), 10, 5));
        Session session = plannersSession();
        clock.advance(Duration.ofMinutes(11));
        FakeChain chain = FakeChain.succeeding();

        assertThat(Outcomes.refusal(chain.run(stage(), as(PLANNER, Exchanges.request("ping").sessionId(session.id())))))
                .isEqualTo(Reason.SESSION_UNKNOWN);
        assertThat(chain.calls()).isZero();
        assertThat(sessions.size()).isZero();
        assertThat(session.isClosed()).isTrue();
    }

    @Test
    void useKeepsASessionAlive() {
        sessions = new SessionRegistry(clock, new SessionSettings(Duration.ofMinutes(10), 10, 5));
        Session session = plannersSession();
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofMinutes(9));
            FakeChain chain = FakeChain.succeeding();
            chain.run(stage(), as(PLANNER, Exchanges.request("ping").sessionId(session.id())));
            assertThat(chain.calls()).isEqualTo(1);
        }
    }

    @Test
    void theChainsAnswerOnAnOpenSessionReachesTheCallerUnchanged() {
        Session session = plannersSession();
        WarrantException refusal = WarrantException.of(Reason.UNKNOWN_TOOL);

        Future<JsonObject> answer = FakeChain.failing(refusal)
                .run(stage(), as(PLANNER, Exchanges.request("tools/call").sessionId(session.id())));

        assertThat(answer.cause()).isSameAs(refusal);
        assertThat(sessions.peek(session.id())).as("a refused call does not end its session").isSameAs(session);
    }

    @Test
    void theSessionKeepsThePeerOfItsLatestMessage() {
        Session session = plannersSession();
        FakeChain.succeeding().run(stage(), as(PLANNER, Exchanges.request("ping").sessionId(session.id())));
        assertThat(session.peer()).contains("spiffe://test/agent");
        McpExchange withoutCertificate = Exchanges.request("ping").sessionId(session.id()).build();
        withoutCertificate.token(PLANNER);

        FakeChain.succeeding().run(stage(), withoutCertificate);

        assertThat(session.peer()).isEqualTo(Optional.empty());
    }

    // --- 2026-07-28: no session, the envelope instead ---

    private static JsonObject modernParams(JsonObject params) {
        return params.put("_meta", new JsonObject().put(MetaKeys.PROTOCOL_VERSION, "2026-07-28")
                .put(MetaKeys.CLIENT_CAPABILITIES, new JsonObject().put("elicitation", new JsonObject()))
                .put(MetaKeys.LOG_LEVEL, "warning"));
    }

    @Test
    void aModernRequestGetsItsEnvelopeAndNoSessionEvenWhenItNamesOne() {
        Session existing = plannersSession();
        FakeChain chain = FakeChain.succeeding();
        McpExchange exchange = as(PLANNER, Exchanges.request("tools/list", modernParams(new JsonObject()))
                .modern("tools/list", null).sessionId(existing.id()));

        assertThat(chain.run(stage(), exchange).succeeded()).isTrue();

        assertThat(chain.calls()).isEqualTo(1);
        assertThat(exchange.session()).isNull();
        assertThat(exchange.envelope().version()).isEqualTo("2026-07-28");
        assertThat(exchange.clientDeclares("elicitation")).isTrue();
        assertThat(exchange.clientDeclares("sampling")).isFalse();
        assertThat(exchange.envelope().wantsLog("error")).isTrue();
        assertThat(exchange.envelope().wantsLog("info")).isFalse();
        assertThat(sessions.size()).as("no session opened or touched").isEqualTo(1);
    }

    @Test
    void aModernRequestWithAMismatchedHeaderIsRefusedWithoutProceeding() {
        FakeChain chain = FakeChain.succeeding();
        McpExchange exchange = as(PLANNER, Exchanges.request("tools/call",
                modernParams(new JsonObject().put("name", "notes__read_note"))).modern("tools/call", "notes__write_note"));

        assertThat(Outcomes.refusal(chain.run(stage(), exchange))).isEqualTo(Reason.HEADER_MISMATCH);
        assertThat(chain.calls()).isZero();
    }

    @Test
    void aModernRequestForARemovedMethodIsNotFoundBeforeAnythingElseRuns() {
        FakeChain chain = FakeChain.succeeding();
        McpExchange exchange = as(PLANNER, Exchanges.request("ping", modernParams(new JsonObject())).modern("ping", null));

        assertThat(Outcomes.refusal(chain.run(stage(), exchange))).isEqualTo(Reason.METHOD_NOT_FOUND);
        assertThat(chain.calls()).isZero();
    }

    @Test
    void aModernClientCannotPostAResponse() {
        FakeChain chain = FakeChain.succeeding();
        McpExchange exchange = as(PLANNER, Exchanges.response("s-1", new JsonObject().put("result", new JsonObject()))
                .modern(null, null));

        assertThat(Outcomes.refusal(chain.run(stage(), exchange))).isEqualTo(Reason.INVALID_REQUEST);
        assertThat(chain.calls()).isZero();
    }
}
