package dev.warrant.gateway.approval;

import dev.warrant.delegation.VerifiedToken;
import dev.warrant.gateway.config.RiskRules;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.pipeline.Exchanges;
import dev.warrant.gateway.pipeline.FakeChain;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.pipeline.Outcomes;
import dev.warrant.gateway.pipeline.TestTokens;
import dev.warrant.gateway.upstream.ToolEntry;
import dev.warrant.policies.RiskTier;
import dev.warrant.policies.Verdict;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ApprovalStage alone, on the paths that never reach the cluster: other methods, built-ins, tiers without
 * rules and fresh-authorization rules. Holding a call for a human needs {@link ClusterApprovals}, which needs a
 * Hazelcast member; that path is covered end to end (ApprovalTest, ApprovalClusterTest), not here.
 */
class ApprovalStageTest {

    private static final TestTokens TOKENS = new TestTokens();
    private static final VerifiedToken PLANNER = TOKENS.verified("planner");
    private static final ToolEntry WRITE_NOTE = tool("write_note", RiskTier.HIGH);
    private static final ToolEntry READ_NOTE = tool("read_note", RiskTier.LOW);
    /** High risk: a token minted within ten minutes, and a human's approval. */
    private static final RiskRules HIGH_NEEDS_FRESH_AND_APPROVAL = new RiskRules(Map.of(RiskTier.HIGH,
            new RiskRules.Rule(Optional.of(Duration.ofMinutes(10)), true, Duration.ofMinutes(5))));
    /** Medium risk: a token minted within ten minutes, no human. */
    private static final RiskRules MEDIUM_NEEDS_FRESH = new RiskRules(Map.of(RiskTier.MEDIUM,
            new RiskRules.Rule(Optional.of(Duration.ofMinutes(10)), false, null)));

    private static ToolEntry tool(String name, RiskTier risk) {
        return new ToolEntry("notes", name, ToolEntry.expose("notes", name), Map.of("name", name), risk);
    }

    /** The stage as the gateway builds it, but with no cluster: any path that reaches it would fail. */
    private static ApprovalStage stage(RiskRules rules, Duration tokenAge) {
        Clock clock = Clock.fixed(PLANNER.issuedAt().plus(tokenAge), ZoneOffset.UTC);
        return new ApprovalStage(null, rules, null, "member-1", clock, ApprovalStage.NOTIFY_EVERY);
    }

    /** A tools/call as AuthorizeStage leaves it: allowed, with its target. */
    private static McpExchange allowedCall(ToolEntry target) {
        McpExchange exchange = Exchanges.request("tools/call", new JsonObject().put("name", target == null
                ? "warrant__delegate" : target.exposedName())).build();
        exchange.token(PLANNER);
        exchange.verdict(Verdict.allow());
        exchange.target(target);
        return exchange;
    }

    @Test
    void otherMethodsPassStraightOn() {
        for (String method : new String[] {"tools/list", "resources/read", "prompts/get", "initialize"}) {
            McpExchange exchange = Exchanges.request(method).build();
            exchange.token(PLANNER);
            FakeChain chain = FakeChain.succeeding(new JsonObject().put("m", method));

            Future<JsonObject> answer = chain.run(stage(HIGH_NEEDS_FRESH_AND_APPROVAL, Duration.ofDays(1)), exchange);

            assertThat(answer.result().getString("m")).isEqualTo(method);
            assertThat(chain.calls()).isEqualTo(1);
            assertThat(exchange.approvalId()).isNull();
        }
    }

    @Test
    void aBuiltinToolHasNoTargetAndPassesStraightOn() {
        FakeChain chain = FakeChain.succeeding();
        McpExchange exchange = allowedCall(null);

        chain.run(stage(HIGH_NEEDS_FRESH_AND_APPROVAL, Duration.ofDays(1)), exchange);

        assertThat(chain.calls()).isEqualTo(1);
        assertThat(exchange.approvalId()).isNull();
    }

    @Test
    void aTierWithoutRulesPassesStraightOnWhateverTheTokensAge() {
        FakeChain chain = FakeChain.succeeding(new JsonObject().put("ok", true));
        McpExchange exchange = allowedCall(READ_NOTE);

        Future<JsonObject> answer = chain.run(stage(HIGH_NEEDS_FRESH_AND_APPROVAL, Duration.ofHours(23)), exchange);

        assertThat(answer.result().getBoolean("ok")).isTrue();
        assertThat(chain.calls()).isEqualTo(1);
        assertThat(exchange.approvalId()).isNull();
        assertThat(exchange.approver()).isNull();
    }

    @Test
    void noRulesAtAllChangeNothing() {
        FakeChain chain = FakeChain.succeeding();

        chain.run(stage(RiskRules.NONE, Duration.ofHours(23)), allowedCall(WRITE_NOTE));

        assertThat(chain.calls()).isEqualTo(1);
    }

    @Test
    void aStaleTokenIsAuthorizationNotFreshBeforeAnyApprovalIsOpened() {
        FakeChain chain = FakeChain.succeeding();
        McpExchange exchange = allowedCall(WRITE_NOTE);

        Future<JsonObject> answer = chain.run(stage(HIGH_NEEDS_FRESH_AND_APPROVAL, Duration.ofMinutes(11)), exchange);

        assertThat(Outcomes.refusal(answer)).isEqualTo(Reason.AUTHORIZATION_STALE);
        assertThat(Reason.AUTHORIZATION_STALE.code()).isEqualTo("authorization_not_fresh");
        assertThat(chain.calls()).isZero();
        assertThat(exchange.approvalId()).as("no human is asked about a stale token").isNull();
    }

    @Test
    void aFreshEnoughTokenProceedsWhenNoHumanIsNeeded() {
        ToolEntry medium = tool("edit_note", RiskTier.MEDIUM);
        FakeChain fresh = FakeChain.succeeding();
        fresh.run(stage(MEDIUM_NEEDS_FRESH, Duration.ofMinutes(10)), allowedCall(medium));
        assertThat(fresh.calls()).as("exactly at the limit is still fresh").isEqualTo(1);

        FakeChain stale = FakeChain.succeeding();
        assertThat(Outcomes.refusal(stale.run(stage(MEDIUM_NEEDS_FRESH, Duration.ofMinutes(10).plusSeconds(1)),
                allowedCall(medium)))).isEqualTo(Reason.AUTHORIZATION_STALE);
        assertThat(stale.calls()).isZero();
    }
    @Test
    void aHeldCallCarriesItsArgumentsOnlyWhenTheOperatorShowsThem() {
        JsonObject args = new JsonObject().put("path", "/notes/a.md").put("text", "card 4111 1111 1111 1111");
        java.time.Instant now = PLANNER.issuedAt();
        PendingApproval hidden = ApprovalStage.pending("id-1", PLANNER, "notes__write_note", "high",
                "allow if true", args, false, now, Duration.ofMinutes(5), "member-1");
        PendingApproval shown = ApprovalStage.pending("id-2", PLANNER, "notes__write_note", "high",
                "allow if true", args, true, now, Duration.ofMinutes(5), "member-1");

        assertThat(hidden.arguments()).isNull();
        assertThat(hidden.toJson().containsKey("arguments")).isFalse();
        assertThat(hidden.toJson().encode()).doesNotContain("4111");
        assertThat(shown.toJson().getJsonObject("arguments")).isEqualTo(args);
        // The digest is there either way, and is the same.
        assertThat(hidden.argumentDigest()).startsWith("sha256:").isEqualTo(shown.argumentDigest());
        assertThat(hidden.revocationIds()).isEqualTo(PLANNER.revocationIds()).isNotEmpty();
        assertThat(hidden.toJson().getJsonArray("revocationIds").getList()).isEqualTo(PLANNER.revocationIds());
        assertThat(hidden.riskTier()).isEqualTo("high");
        assertThat(hidden.policy()).isEqualTo("allow if true");
        assertThat(hidden.expiresAtMillis() - hidden.createdAtMillis()).isEqualTo(Duration.ofMinutes(5).toMillis());
        assertThat(hidden.status()).isEqualTo(PendingApproval.Status.PENDING);
        assertThat(hidden.decisionReason()).isNull();
        PendingApproval denied = hidden.resolved(PendingApproval.Status.DENIED, "alice", "not today");
        assertThat(denied.toJson().getString("decisionReason")).isEqualTo("not today");
        assertThat(denied.toJson().getString("approver")).isEqualTo("alice");
        assertThat(denied.toJson().getString("status")).isEqualTo("denied");
    }
}
