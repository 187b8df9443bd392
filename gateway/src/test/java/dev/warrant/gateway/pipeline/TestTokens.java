package dev.warrant.gateway.pipeline;

import dev.warrant.delegation.Delegator;
import dev.warrant.delegation.HopSpec;
import dev.warrant.delegation.KeyRing;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.SigningKey;
import dev.warrant.delegation.TokenException;
import dev.warrant.delegation.VerifiedToken;
import dev.warrant.delegation.Verifier;
import dev.warrant.delegation.VerifierSettings;

import java.time.Clock;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** Real tokens for stage tests: a fresh root key, a minter and the verifier that accepts its tokens. */
public final class TestTokens {

    public final SigningKey rootKey = SigningKey.generate("stage-test");
    public final Verifier verifier = new Verifier(KeyRing.of(rootKey.publicKey()), VerifierSettings.defaults(),
            Clock.systemUTC());
    private final Minter minter = new Minter(rootKey, Clock.systemUTC(), Duration.ofHours(24));

    /** A token for {@code agent}, valid one hour, with the rights {@code rights} adds. */
    public String mint(String agent, UnaryOperator<MintSpec.Builder> rights) {
        return minter.mint(rights.apply(MintSpec.builder(agent).ttl(Duration.ofHours(1))).build());
    }

    /** A token for {@code agent} with the right to call every tool of {@code notes}. */
    public String mint(String agent) {
        return mint(agent, b -> b.right("tool", "notes", "*"));
    }

    /** {@code token} handed on with one more hop. */
    public static String delegate(String token, HopSpec hop) {
        return Delegator.attenuate(token, hop, Clock.systemUTC());
    }

    public VerifiedToken verify(String token) {
        try {
            return verifier.verify(token);
        } catch (TokenException e) {
            throw new AssertionError("the test's own token did not verify", e);
        }
    }

    /** A verified token for {@code agent} (see {@link #mint(String)}). */
    public VerifiedToken verified(String agent) {
        return verify(mint(agent));
    }
}
