package dev.warrant.delegation.property;

import dev.warrant.delegation.FixedTestKey;
import dev.warrant.delegation.KeyRing;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.SigningKey;
import dev.warrant.delegation.Verifier;
import dev.warrant.delegation.VerifierSettings;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * A fixed root key and a fixed clock, so generated tokens and their verdicts are reproducible across runs
 * (a failing jqwik seed replays to the same verdicts; only the ephemeral block keys differ).
 */
final class TestKeys {
    static final Instant NOW = Instant.parse("2026-11-25T20:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final SigningKey ROOT = FixedTestKey.root("1");
    static final Minter MINTER = new Minter(ROOT, CLOCK, Duration.ofHours(24));
    static final Verifier VERIFIER = new Verifier(KeyRing.of(ROOT.publicKey()), VerifierSettings.defaults(), CLOCK);

    private TestKeys() {}

    static Clock at(Instant t) {
        return Clock.fixed(t, ZoneOffset.UTC);
    }
}
