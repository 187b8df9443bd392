package dev.warrant.benchmarks.curves;

import dev.warrant.delegation.Delegator;
import dev.warrant.delegation.HopSpec;
import dev.warrant.delegation.KeyRing;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.SigningKey;
import dev.warrant.delegation.Verifier;
import dev.warrant.delegation.VerifierSettings;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Tokens for the curves: an authority block (5 rights, a task) plus {@code hops} delegation hops, each with a
 * tool allow-list, a resource allow-list, a {@code check all} path prefix, a shorter expiry and a recorded trace
 * context, as the hop example of docs/ARCHITECTURE.md §3.2. The verifier allows 16 hops (the gateway's default is 8, configurable with
 * {@code maxChainDepth}) so the depth curve can go past the default. Time is fixed so runs are reproducible.
 */
final class CurveTokens {
    static final Instant NOW = Instant.parse("2026-11-25T20:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final SigningKey ROOT = SigningKey.generate("curves-1");
    static final int MAX_HOPS = 16;
    static final VerifierSettings SETTINGS = new VerifierSettings(65536, MAX_HOPS, Duration.ofHours(24));
    static final Verifier VERIFIER = new Verifier(KeyRing.of(ROOT.publicKey()), SETTINGS, CLOCK);

    /** The tool every curve calls, and the one server the token grants in full (wildcard). */
    static final String SERVER = "notes";
    static final String TOOL = "read_note";

    private CurveTokens() {}

    static String withHops(int hops) {
        return withHops("planner", hops);
    }

    static String withHops(String agent, int hops) {
        if (hops < 0 || hops > MAX_HOPS) {
            throw new IllegalArgumentException("hops must be 0.." + MAX_HOPS + ", got " + hops);
        }
        String token = new Minter(ROOT, CLOCK, Duration.ofHours(24)).mint(MintSpec.builder(agent)
                .right("tool", SERVER, TOOL)
                .right("tool", SERVER, "write_note")
                .right("tool", SERVER, "search_notes")
                .right("tool", "github", "*")
                .right("resource", SERVER, "notes:///team/")
                .task("T-42")
                .ttl(Duration.ofHours(1))
                .build());
        for (int hop = 1; hop <= hops; hop++) {
            token = Delegator.attenuate(token, HopSpec.delegateTo(agent + "-" + hop)
                    .tools(SERVER, TOOL, "search_notes")
                    .resources(SERVER, "notes:///team/")
                    .argPathPrefix("path", "/notes/")
                    .ttl(Duration.ofMinutes(60 - hop))
                    .trace(String.format("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902%02x-01", hop))
                    .build(), CLOCK);
        }
        return token;
    }
}
