package dev.warrant.gateway.auth;

import dev.warrant.delegation.KeyRing;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.SigningKey;
import dev.warrant.delegation.VerifiedToken;
import dev.warrant.delegation.Verifier;
import dev.warrant.delegation.VerifierSettings;
import dev.warrant.gateway.errors.WarrantException;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The per-session memo in front of the digest-keyed cache: exact tokens only, and never past a revocation. */
class BearerMemoTest {

    private final SigningKey key = SigningKey.generate("k1");
    private final Verifier verifier = new Verifier(KeyRing.of(key.publicKey()), VerifierSettings.defaults(), Clock.systemUTC());
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close();
    }

    private String mint(String agent) {
        return new Minter(key, Clock.systemUTC(), Duration.ofHours(24))
                .mint(MintSpec.builder(agent).right("tool", "notes", "read_note").ttl(Duration.ofMinutes(5)).build());
    }

    @Test
    void recallsOnlyTheExactTokenItRemembered() throws Exception {
        String token = mint("planner");
        VerifiedToken verified = verifier.verify(token);
        BearerMemo memo = new BearerMemo();
        assertThat(memo.recall(token)).isNull();
        memo.remember(token, verified);

        assertThat(memo.recall(new String(token.toCharArray()))).isSameAs(verified);
        char[] flipped = token.toCharArray();
        flipped[flipped.length / 2] = flipped[flipped.length / 2] == 'A' ? 'B' : 'A';
        assertThat(memo.recall(new String(flipped))).as("same length, one character different").isNull();
        assertThat(memo.recall(token + "A")).isNull();
        assertThat(memo.recall(mint("planner"))).as("another token of the same agent").isNull();
        // A difference anywhere counts: first character, inside the 8-byte words, in the tail after them.
        for (int at : new int[] {0, 7, 8, token.length() - 9, token.length() - 1}) {
            char[] changed = token.toCharArray();
            changed[at] = changed[at] == 'A' ? 'B' : 'A';
            assertThat(memo.recall(new String(changed))).as("changed at " + at).isNull();
            // Characters beyond ISO-8859-1 become '?' in bytes: never equal to a remembered token's.
            changed[at] = '\u20ac';
            assertThat(memo.recall(new String(changed))).as("euro sign at " + at).isNull();
            changed[at] = '\u00e9';
            assertThat(memo.recall(new String(changed))).as("e-acute at " + at).isNull();
        }
        assertThat(memo.recall(new String(token.toCharArray()))).as("still the exact token").isSameAs(verified);
    }

    @Test
    void anotherCallersTokenNeverDisplacesTheOwnersMemo() throws Exception {
        String owner = mint("planner");
        VerifiedToken ownerVerified = verifier.verify(owner);
        String intruder = mint("intruder");
        BearerMemo memo = new BearerMemo(t -> t.caller().equals("planner"));
        memo.remember(owner, ownerVerified);
        memo.remember(intruder, verifier.verify(intruder));
        assertThat(memo.recall(owner)).isSameAs(ownerVerified);
        assertThat(memo.recall(intruder)).isNull();
    }

    @Test
    void aBearerThatIsNotPlainAsciiIsNeverRemembered() throws Exception {
        VerifiedToken verified = verifier.verify(mint("planner"));
        BearerMemo memo = new BearerMemo();
        for (String odd : new String[] {"abc?def", "abc\u00e9def", "abc def", "abc\u20acdef"}) {
            memo.remember(odd, verified);
            assertThat(memo.recall(odd)).as(odd).isNull();
            assertThat(memo.recall(odd.replace(odd.charAt(3), '?'))).as(odd + " as ISO-8859-1 bytes").isNull();
        }
    }

    @Test
    void aRememberedTokenIsStillRefusedOnceRevoked() throws Exception {
        Set<String> revokedAgents = ConcurrentHashMap.newKeySet();
        Authenticator authenticator = new Authenticator(vertx, verifier,
                new VerifiedTokenCache(100, Duration.ofHours(1), Clock.systemUTC()),
                token -> revokedAgents.contains(token.caller()), Clock.systemUTC(), 64 * 1024);
        BearerMemo memo = new BearerMemo();
        String token = mint("researcher");

        VerifiedToken first = authenticator.authenticate("Bearer " + token, memo)
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(memo.recall(token)).as("remembered after the first use").isSameAs(first);

        revokedAgents.add("researcher");
        assertThatThrownBy(() -> authenticator.authenticate("Bearer " + token, memo)
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(WarrantException.class)
                .hasMessageContaining("revoked");
    }
}
