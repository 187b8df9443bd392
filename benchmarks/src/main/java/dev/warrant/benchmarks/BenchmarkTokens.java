package dev.warrant.benchmarks;

import dev.warrant.delegation.Delegator;
import dev.warrant.delegation.HopSpec;
import dev.warrant.delegation.KeyRing;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.RequestFacts;
import dev.warrant.delegation.SigningKey;
import dev.warrant.delegation.Verifier;
import dev.warrant.delegation.VerifierSettings;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Realistic Warrant tokens for the benchmarks: an authority block plus {@code blocks - 1} delegation hops
 * (planner -> agent-1 -> agent-2 ...), each hop with a tool allow-list, a {@code check all} path constraint and
 * a shorter expiry, as the hop example of docs/ARCHITECTURE.md §3.2. Time is fixed so runs are reproducible.
 */
final class BenchmarkTokens {
    static final Instant NOW = Instant.parse("2026-11-25T20:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final SigningKey ROOT = SigningKey.generate("bench-1");
    static final Verifier VERIFIER = new Verifier(KeyRing.of(ROOT.publicKey()), VerifierSettings.defaults(), CLOCK);

    private BenchmarkTokens() {}

    /** A token of exactly {@code blocks} blocks (1 = authority only; depth = blocks - 1). */
    static String withBlocks(int blocks) {
        if (blocks < 1 || blocks > 9) {
            throw new IllegalArgumentException("blocks must be 1..9 (depth limit 8), got " + blocks);
        }
        String token = new Minter(ROOT, CLOCK, Duration.ofHours(24)).mint(MintSpec.builder("planner")
                .right("tool", "notes", "read_note")
                .right("tool", "notes", "write_note")
                .right("tool", "notes", "search_notes")
                .right("tool", "github", "*")
                .right("resource", "notes", "notes:///team/")
                .task("T-42")
                .ttl(Duration.ofHours(1))
                .build());
        for (int hop = 1; hop < blocks; hop++) {
            token = Delegator.attenuate(token, HopSpec.delegateTo("agent-" + hop)
                    .tools("notes", "read_note", "search_notes")
                    .resources("notes", "notes:///team/")
                    .argPathPrefix("path", "/notes/")
                    .ttl(Duration.ofMinutes(60 - hop))
                    .trace("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b" + hop + "-01")
                    .build(), CLOCK);
        }
        return token;
    }

    /** An allowed tools/call: read_note of a path under every hop's prefix, with its risk tier and peer. */
    static RequestFacts readNote() {
        return RequestFacts.toolCall(NOW, "notes", "read_note")
                .arg("path", "/notes/2026/plan.md")
                .argPath("path", "/notes/2026/plan.md")
                .arg("max_bytes", 65536)
                .risk("low")
                .build();
    }
}
