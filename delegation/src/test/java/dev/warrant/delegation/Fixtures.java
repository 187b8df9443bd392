package dev.warrant.delegation;

import biscuit.format.schema.Schema;
import org.biscuitsec.biscuit.token.UnverifiedBiscuit;
import org.biscuitsec.biscuit.token.builder.Block;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;

/** Shared keys, clock and helpers. Tests may use the library directly to hand-build hostile tokens. */
final class Fixtures {
    static final Instant NOW = Instant.parse("2026-11-25T20:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final SigningKey ROOT = SigningKey.generate("1");
    static final SigningKey OTHER = SigningKey.generate("2");
    static final KeyRing RING = KeyRing.of(ROOT.publicKey());
    static final Minter MINTER = new Minter(ROOT, CLOCK, Duration.ofHours(24));
    static final Verifier VERIFIER = new Verifier(RING, VerifierSettings.defaults(), CLOCK);

    private Fixtures() {}

    static String plannerToken() {
        return MINTER.mint(MintSpec.builder("planner")
                .right("tool", "notes", "read_note")
                .right("tool", "notes", "write_note")
                .task("T-42")
                .ttl(Duration.ofHours(1))
                .build());
    }

    static Clock clockAt(Instant t) {
        return Clock.fixed(t, ZoneOffset.UTC);
    }

    static RequestFacts.Builder call(String server, String tool) {
        return RequestFacts.toolCall(NOW, server, tool);
    }

    static RequestFacts listItem(String server, String tool) {
        return RequestFacts.builder().time(NOW).method(Vocabulary.METHOD_TOOLS_LIST)
                .request("tool", server, tool).build();
    }

    static Decision authorize(String token, RequestFacts request) throws TokenException {
        return VERIFIER.verify(token).authorize(request, PolicySet.defaults(), AuthorizationLimits.defaults());
    }

    /** Appends a block written in Datalog text with the library itself (trusted test input). */
    static String appendRaw(String token, String datalog) throws Exception {
        Block block = new Block();
        for (String statement : datalog.split(";")) {
            String s = statement.strip();
            if (s.isEmpty()) {
                continue;
            }
            if (s.startsWith("check ")) {
                block.add_check(s);
            } else {
                block.add_fact(s);
            }
        }
        return UnverifiedBiscuit.from_b64url(token).attenuate(block).serialize_b64url();
    }

    static byte[] bytes(String token) {
        return Base64.getUrlDecoder().decode(token);
    }

    static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().encodeToString(bytes);
    }

    static Schema.Biscuit proto(String token) throws Exception {
        return Schema.Biscuit.parseFrom(bytes(token));
    }
}
