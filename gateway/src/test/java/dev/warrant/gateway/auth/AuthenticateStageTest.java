package dev.warrant.gateway.auth;

import dev.warrant.delegation.SigningKey;
import dev.warrant.delegation.VerifiedToken;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.pipeline.Exchanges;
import dev.warrant.gateway.pipeline.FakeChain;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.pipeline.Outcomes;
import dev.warrant.gateway.pipeline.TestTokens;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * AuthenticateStage alone, with a real Authenticator (real verifier, cache and a revocation set of the
 * test's): no valid token, no proceed; a valid one is in the token slot before the stage proceeds.
 */
class AuthenticateStageTest {

    private static final TestTokens TOKENS = new TestTokens();
    private static Vertx vertx;

    private final Set<String> revoked = ConcurrentHashMap.newKeySet();
    private final Authenticator authenticator = new Authenticator(vertx, TOKENS.verifier,
            new VerifiedTokenCache(1_000, Duration.ofHours(24), Clock.systemUTC()),
            token -> token.revocationIds().stream().anyMatch(revoked::contains), Clock.systemUTC(), 8_192);
    private final List<String> memoLookups = new CopyOnWriteArrayList<>();
    private final BearerMemo memo = new BearerMemo();
    private final AuthenticateStage stage = new AuthenticateStage(authenticator, id -> {
        memoLookups.add(id);
        return "s1".equals(id) ? memo : null;
    });

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void closeVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void noAuthorizationHeaderIsTokenMissingWithoutProceeding() {
        FakeChain chain = FakeChain.succeeding();
        McpExchange exchange = Exchanges.request("tools/list").build();

        Future<JsonObject> answer = chain.run(stage, exchange);

        assertThat(Outcomes.refusal(answer)).isEqualTo(Reason.TOKEN_MISSING);
        assertThat(chain.calls()).isZero();
        assertThat(exchange.token()).isNull();
    }

    @Test
    void aHeaderThatIsNotBearerIsTokenMissing() {
        FakeChain chain = FakeChain.succeeding();

        Future<JsonObject> answer = chain.run(stage, Exchanges.get().authorization("Basic dXNlcjpwdw==").build());

        assertThat(Outcomes.refusal(answer)).isEqualTo(Reason.TOKEN_MISSING);
        assertThat(chain.calls()).isZero();
    }

    @Test
    void garbageIsTokenMalformedWithoutProceeding() {
        FakeChain chain = FakeChain.succeeding();
        McpExchange exchange = Exchanges.request("tools/list").bearer("bm90LWEtYmlzY3VpdA").build();

        Future<JsonObject> answer = chain.run(stage, exchange);

        assertThat(Outcomes.awaitRefusal(answer)).isEqualTo(Reason.TOKEN_MALFORMED);
        assertThat(chain.calls()).isZero();
        assertThat(exchange.token()).isNull();
    }

    @Test
    void aTokenOfAnotherRootKeyIsRefusedWithoutProceeding() {
        String foreign = new Minter(SigningKey.generate("elsewhere"), Clock.systemUTC(), Duration.ofHours(1))
                .mint(MintSpec.builder("planner").right("tool", "notes", "*").build());
        FakeChain chain = FakeChain.succeeding();

        Reason reason = Outcomes.awaitRefusal(chain.run(stage, Exchanges.request("tools/list").bearer(foreign).build()));

        assertThat(reason.isAuthentication()).as(reason.code()).isTrue();
        assertThat(chain.calls()).isZero();
    }

    @Test
    void aValidTokenIsInTheTokenSlotBeforeTheStageProceedsOnce() {
        String token = TOKENS.mint("planner");
        AtomicReference<VerifiedToken> seenAtProceed = new AtomicReference<>();
        FakeChain chain = FakeChain.succeeding(new JsonObject().put("tools", "all"))
                .onProceed(ex -> seenAtProceed.set(ex.token()));
        McpExchange exchange = Exchanges.request("tools/list").bearer(token).build();

        JsonObject result = Outcomes.awaitResult(chain.run(stage, exchange));

        assertThat(result.getString("tools")).isEqualTo("all");
        assertThat(chain.calls()).isEqualTo(1);
        assertThat(chain.exchange()).isSameAs(exchange);
        assertThat(seenAtProceed.get()).isNotNull().isSameAs(exchange.token());
        assertThat(exchange.token().caller()).isEqualTo("planner");
    }

    @Test
    void theChainsRefusalReachesTheCallerUnchanged() {
        WarrantException denial = WarrantException.of(Reason.UNKNOWN_TOOL);
        FakeChain chain = FakeChain.failing(denial);

        Throwable cause = Outcomes.awaitFailure(chain.run(stage,
                Exchanges.request("tools/call").bearer(TOKENS.mint("planner")).build()));

        assertThat(cause).isSameAs(denial);
        assertThat(chain.calls()).isEqualTo(1);
    }

    @Test
    void aRevokedTokenIsRefusedEvenWhenAlreadyVerifiedOnce() {
        String token = TOKENS.mint("planner");
        FakeChain first = FakeChain.succeeding();
        Outcomes.awaitResult(first.run(stage, Exchanges.request("ping").bearer(token).build()));
        revoked.add(TOKENS.verify(token).revocationIds().get(0));

        FakeChain second = FakeChain.succeeding();
        McpExchange exchange = Exchanges.request("ping").bearer(token).build();

        assertThat(Outcomes.awaitRefusal(second.run(stage, exchange))).isEqualTo(Reason.REVOKED);
        assertThat(second.calls()).isZero();
        assertThat(exchange.token()).isNull();
    }

    @Test
    void theSessionsMemoIsAskedOnlyWhenTheMessageNamesASession() {
        String token = TOKENS.mint("planner");

        Outcomes.awaitResult(FakeChain.succeeding().run(stage, Exchanges.request("ping").bearer(token).build()));
        assertThat(memoLookups).as("no session id, no memo").isEmpty();

        McpExchange named = Exchanges.request("ping").bearer(token).sessionId("s1").build();
        Outcomes.awaitResult(FakeChain.succeeding().run(stage, named));
        assertThat(memoLookups).containsExactly("s1");
        assertThat(memo.recall(token)).as("the session remembers its bearer").isSameAs(named.token());

        // The memo only spares the verification: ownership is the session stage's to check.
        McpExchange other = Exchanges.request("ping").bearer(TOKENS.mint("researcher")).sessionId("s1").build();
        Outcomes.awaitResult(FakeChain.succeeding().run(stage, other));
        assertThat(other.token().caller()).isEqualTo("researcher");
    }

    @Test
    void aMessageNamingNoSessionUsesItsConnectionsMemoForThatExactTokenOnly() {
        String token = TOKENS.mint("planner");
        BearerMemo connection = new BearerMemo();

        McpExchange first = Exchanges.request("tools/call").modern("tools/call", "notes").bearer(token)
                .connectionMemo(connection).build();
        Outcomes.awaitResult(FakeChain.succeeding().run(stage, first));
        assertThat(connection.recall(token)).as("the connection remembers its bearer").isSameAs(first.token());
        assertThat(memoLookups).as("no session to ask").isEmpty();

        McpExchange again = Exchanges.request("tools/call").modern("tools/call", "notes").bearer(token)
                .connectionMemo(connection).build();
        Outcomes.awaitResult(FakeChain.succeeding().run(stage, again));
        assertThat(again.token()).isSameAs(first.token());

        // Another agent on the same connection (a proxy's) is verified as itself, and a token changed in one
        // character is refused although the memo holds one of its length.
        McpExchange other = Exchanges.request("ping").bearer(TOKENS.mint("researcher")).connectionMemo(connection).build();
        Outcomes.awaitResult(FakeChain.succeeding().run(stage, other));
        assertThat(other.token().caller()).isEqualTo("researcher");
        char[] changed = token.toCharArray();
        changed[changed.length / 2] = changed[changed.length / 2] == 'A' ? 'B' : 'A';
        FakeChain refused = FakeChain.succeeding();
        Reason reason = Outcomes.awaitRefusal(refused.run(stage,
                Exchanges.request("ping").bearer(new String(changed)).connectionMemo(connection).build()));
        assertThat(reason.isAuthentication()).as(reason.code()).isTrue();
        assertThat(refused.calls()).isZero();
    }

    @Test
    void aRememberedTokenOnAConnectionIsStillRefusedOnceRevoked() {
        String token = TOKENS.mint("planner");
        BearerMemo connection = new BearerMemo();
        Outcomes.awaitResult(FakeChain.succeeding().run(stage,
                Exchanges.request("ping").bearer(token).connectionMemo(connection).build()));
        revoked.add(TOKENS.verify(token).revocationIds().get(0));

        FakeChain after = FakeChain.succeeding();
        assertThat(Outcomes.awaitRefusal(after.run(stage,
                Exchanges.request("ping").bearer(token).connectionMemo(connection).build()))).isEqualTo(Reason.REVOKED);
        assertThat(after.calls()).isZero();
    }
}
