package dev.warrant.gateway.auth;

import dev.warrant.delegation.KeyRing;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.SigningKey;
import dev.warrant.delegation.VerifiedToken;
import dev.warrant.delegation.Verifier;
import dev.warrant.delegation.VerifierSettings;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The verified-token cache: keyed by digest, bounded, and never outliving the token it holds. */
class VerifiedTokenCacheTest {

    private final SigningKey key = SigningKey.generate("k1");
    private final Verifier verifier = new Verifier(KeyRing.of(key.publicKey()), VerifierSettings.defaults(), Clock.systemUTC());

    private String mint(Duration ttl) {
        return new Minter(key, Clock.systemUTC(), Duration.ofHours(24))
                .mint(MintSpec.builder("planner").right("tool", "notes", "read_note").ttl(ttl).build());
    }

    @Test
    void entriesAreFoundByTheDigestOfTheSameTokenOnly() throws Exception {
        VerifiedTokenCache cache = new VerifiedTokenCache(100, Duration.ofHours(1), Clock.systemUTC());
        String token = mint(Duration.ofMinutes(5));
        VerifiedToken verified = verifier.verify(token);
        cache.put(TokenDigest.of(token), verified);

        assertThat(cache.get(TokenDigest.of(new String(token.toCharArray())))).isSameAs(verified);
        assertThat(cache.get(TokenDigest.of(mint(Duration.ofMinutes(5))))).isNull();
        assertThat(cache.get(TokenDigest.of(token + "A"))).isNull();
    }

    @Test
    void anEntryExpiresWithItsToken() throws Exception {
        VerifiedTokenCache cache = new VerifiedTokenCache(100, Duration.ofHours(1), Clock.systemUTC());
        String shortLived = mint(Duration.ofSeconds(2));
        cache.put(TokenDigest.of(shortLived), verifier.verify(shortLived));
        assertThat(cache.get(TokenDigest.of(shortLived))).isNotNull();
        await().atMost(Duration.ofSeconds(5)).until(() -> cache.get(TokenDigest.of(shortLived)) == null);
    }

    @Test
    void theCacheIsBounded() throws Exception {
        VerifiedTokenCache cache = new VerifiedTokenCache(10, Duration.ofHours(1), Clock.systemUTC());
        for (int i = 0; i < 50; i++) {
            String token = mint(Duration.ofMinutes(5));
            cache.put(TokenDigest.of(token), verifier.verify(token));
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            cache.cleanUp();
            assertThat(cache.estimatedSize()).isLessThanOrEqualTo(10);
        });
    }
}
