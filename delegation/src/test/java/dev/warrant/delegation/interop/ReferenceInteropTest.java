package dev.warrant.delegation.interop;

import biscuit.format.schema.Schema;
import com.google.protobuf.ByteString;
import dev.warrant.delegation.AuthorizationLimits;
import dev.warrant.delegation.Decision;
import dev.warrant.delegation.DenyReason;
import dev.warrant.delegation.Delegator;
import dev.warrant.delegation.HopSpec;
import dev.warrant.delegation.KeyRing;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.PolicySet;
import dev.warrant.delegation.RequestFacts;
import dev.warrant.delegation.SigningKey;
import dev.warrant.delegation.TokenException;
import dev.warrant.delegation.TokenReason;
import dev.warrant.delegation.VerifiedToken;
import dev.warrant.delegation.Verifier;
import dev.warrant.delegation.VerifierSettings;
import dev.warrant.delegation.interop.BiscuitWasm.Answer;
import dev.warrant.delegation.interop.BiscuitWasm.Authorization;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Interop with the Biscuit reference implementation (biscuit-rust as wasm, {@code @biscuit-auth/biscuit-wasm}
 * 0.6.0): it verifies, reads and authorizes a Warrant token exactly like Warrant does, and a token it attenuated
 * with a plain first-party block is accepted by Warrant and narrowed exactly as written. Third-party blocks are
 * out of scope (docs/ARCHITECTURE.md §3.6, item 8).
 */
class ReferenceInteropTest {
    private static final Instant NOW = Instant.parse("2026-11-25T20:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final String TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final SigningKey ROOT = SigningKey.generate("interop-1");
    private static final Verifier VERIFIER =
            new Verifier(KeyRing.of(ROOT.publicKey()), VerifierSettings.defaults(), CLOCK);

    /** The default policy (docs/ARCHITECTURE.md §3.4), as text for the reference's authorizer (Warrant's is PolicySet.defaults()). */
    private static final String DEFAULT_POLICY = """
            allow if request($k, $s, $n), right($k, $s, $n);
            allow if request($k, $s, $n), right($k, $s, "*");
            allow if request("resource", $s, $u), right("resource", $s, $p), $u.starts_with($p);
            deny if true;
            check if expires($e), time($t), $t < $e;
            """;

    /** Planner -> researcher: read/write notes under /notes/, for 30 minutes, with the planner's trace. */
    private static String researcherToken;
    private static VerifiedToken researcherVerified;
    /** The reference's reading of researcherToken, with its decisions on {@link #CALLS} (one node run for both tests). */
    private static Answer referenceOnResearcher;

    @BeforeAll
    static void mintAndDelegate() throws Exception {
        String planner = new Minter(ROOT, CLOCK, Duration.ofHours(24)).mint(MintSpec.builder("planner")
                .right("tool", "notes", "read_note")
                .right("tool", "notes", "write_note")
                .right("tool", "notes", "delete_note")
                .task("T-42")
                .ttl(Duration.ofHours(1))
                .build());
        researcherToken = Delegator.attenuate(planner, HopSpec.delegateTo("researcher")
                .tools("notes", "read_note", "write_note")
                .argPathPrefix("path", "/notes/")
                .ttl(Duration.ofMinutes(30))
                .trace(TRACE)
                .build(), CLOCK);
        researcherVerified = VERIFIER.verify(researcherToken);
        referenceOnResearcher = BiscuitWasm.run(researcherToken, ROOT.publicKey().hex(), forReference(CALLS), null);
    }

    /** A tools/call on the notes server, as Java request facts and as the same facts in Datalog for the reference. */
    record Call(String name, String tool, String path, Instant time) {
        RequestFacts facts() {
            RequestFacts.Builder b = RequestFacts.toolCall(time, "notes", tool);
            if (path != null) {
                b.arg("path", path).argPath("path", path);
            }
            return b.build();
        }

        Authorization forReference() {
            // Trusted test constants only; the gateway itself never builds request facts as text.
            StringBuilder code = new StringBuilder()
                    .append("time(").append(time).append(");\n")
                    .append("method(\"tools/call\");\nserver(\"notes\");\n")
                    .append("request(\"tool\", \"notes\", \"").append(tool).append("\");\n");
            if (path != null) {
                code.append("arg(\"path\", \"").append(path).append("\");\n")
                        .append("arg_path(\"path\", \"").append(path).append("\");\n");
            }
            return new Authorization(name, code.append(DEFAULT_POLICY).toString());
        }
    }

    private static final List<Call> CALLS = List.of(
            new Call("read", "read_note", "/notes/a.md", NOW),
            new Call("write", "write_note", "/notes/a.md", NOW),
            new Call("delete", "delete_note", "/notes/a.md", NOW),          // in the authority, not in the hop
            new Call("read-outside", "read_note", "/etc/passwd", NOW),      // check all arg_path
            new Call("read-no-path", "read_note", null, NOW),               // check all is not vacuous
            new Call("read-late", "read_note", "/notes/a.md", NOW.plusSeconds(45 * 60))); // after the hop's expiry

    private static List<Authorization> forReference(List<Call> calls) {
        List<Authorization> out = new ArrayList<>();
        calls.forEach(c -> out.add(c.forReference()));
        return out;
    }

    private static Decision authorize(VerifiedToken token, Call call) {
        return token.authorize(call.facts(), PolicySet.defaults(), AuthorizationLimits.defaults());
    }

    @Test
    void referenceVerifiesAndReadsAWarrantToken() {
        Answer rust = referenceOnResearcher;

        assertThat(rust.verified()).as(rust.error()).isTrue();
        assertThat(rust.blocks()).isEqualTo(2);
        assertThat(rust.revocationIds()).isEqualTo(researcherVerified.revocationIds());
        assertThat(rust.authorityFacts()).contains(
                "agent(\"planner\")",
                "right(\"tool\", \"notes\", \"read_note\")",
                "right(\"tool\", \"notes\", \"write_note\")",
                "right(\"tool\", \"notes\", \"delete_note\")",
                "task(\"T-42\")",
                "issued_at(2026-11-25T20:00:00Z)",
                "expires(2026-11-25T21:00:00Z)");
        assertThat(rust.blockSources().get(0)).contains("check if time($t), $t < 2026-11-25T21:00:00Z;");
        assertThat(rust.blockSources().get(1)).contains(
                "delegation(\"planner\", \"researcher\");",
                "trace(\"" + TRACE + "\");",
                // biscuit-java's [..] literal is a set; the reference prints sets as {..} (Datalog 3.3).
                "check if request(\"tool\", \"notes\", $n), {\"read_note\", \"write_note\"}.contains($n);",
                "check all arg_path(\"path\", $p), $p.starts_with(\"/notes/\") or method(\"tools/list\");",
                "check if time($t), $t < 2026-11-25T20:30:00Z;");
    }

    @Test
    void referenceAndWarrantDecideAlikeOnAWarrantToken() {
        Answer rust = referenceOnResearcher;

        assertThat(rust.verified()).as(rust.error()).isTrue();
        for (Call call : CALLS) {
            assertThat(rust.allowed().get(call.name())).as("reference on " + call.name() + " " + rust.denials())
                    .isEqualTo(authorize(researcherVerified, call).allowed());
        }
        // And the decisions are the ones the hop was written for.
        Map<String, Boolean> expected = new LinkedHashMap<>();
        expected.put("read", true);
        expected.put("write", true);
        expected.put("delete", false);
        expected.put("read-outside", false);
        expected.put("read-no-path", false);
        expected.put("read-late", false);
        assertThat(rust.allowed()).containsExactlyEntriesOf(expected);
    }

    @Test
    void aBlockTheReferenceAppendedNarrowsExactlyAsWritten() throws Exception {
        String block = """
                check if request("tool", "notes", $n), {"read_note"}.contains($n);
                check if time($t), $t < 2026-11-25T20:10:00Z;
                """;
        Answer rust = BiscuitWasm.run(researcherToken, ROOT.publicKey().hex(), List.of(), block);
        Answer attenuated = rust.attenuated().orElseThrow();
        assertThat(attenuated.blocks()).isEqualTo(3);

        VerifiedToken narrowed = VERIFIER.verify(attenuated.token());

        // Same token, same identity: a block without delegation(...) is a self-attenuation.
        assertThat(narrowed.revocationIds()).isEqualTo(attenuated.revocationIds());
        assertThat(narrowed.revocationIds().subList(0, 2)).isEqualTo(researcherVerified.revocationIds());
        assertThat(narrowed.caller()).isEqualTo("researcher");
        assertThat(narrowed.chain()).containsExactly("planner", "researcher");
        assertThat(narrowed.depth()).isEqualTo(1);
        assertThat(narrowed.rootKeyId()).isEqualTo("interop-1");

        assertThat(authorize(narrowed, new Call("read", "read_note", "/notes/a.md", NOW)).allowed()).isTrue();

        Decision write = authorize(narrowed, new Call("write", "write_note", "/notes/a.md", NOW));
        assertThat(write.allowed()).isFalse();
        assertThat(write.reason()).isEqualTo(DenyReason.CONSTRAINT_FAILED);
        assertThat(write.failedBlock()).hasValue(2);
        // The parent still allows it: the denial is the reference's block, not something else.
        assertThat(authorize(researcherVerified, new Call("write", "write_note", "/notes/a.md", NOW)).allowed()).isTrue();

        // 20:15 is inside the hop's 30 minutes but after the reference block's 20:10.
        Call lateRead = new Call("late", "read_note", "/notes/a.md", NOW.plusSeconds(15 * 60));
        assertThat(authorize(researcherVerified, lateRead).allowed()).isTrue();
        Decision late = authorize(narrowed, lateRead);
        assertThat(late.allowed()).isFalse();
        assertThat(late.failedBlock()).hasValue(2);

        // Earlier blocks still hold.
        assertThat(authorize(narrowed, new Call("outside", "read_note", "/etc/passwd", NOW)).allowed()).isFalse();
    }

    @Test
    void factsTheReferenceAppendsCannotWiden() throws Exception {
        Answer rust = BiscuitWasm.run(researcherToken, ROOT.publicKey().hex(), List.of(),
                "right(\"tool\", \"notes\", \"delete_note\"); right(\"tool\", \"admin\", \"*\");");
        VerifiedToken widened = VERIFIER.verify(rust.attenuated().orElseThrow().token());

        assertThat(authorize(widened, new Call("delete", "delete_note", "/notes/a.md", NOW)).allowed()).isFalse();
        Decision admin = widened.authorize(RequestFacts.toolCall(NOW, "admin", "shutdown").build(),
                PolicySet.defaults(), AuthorizationLimits.defaults());
        assertThat(admin.allowed()).isFalse();
        assertThat(authorize(widened, new Call("read", "read_note", "/notes/a.md", NOW)).allowed()).isTrue();
    }

    /**
     * biscuit-rust 6 (wasm 0.6) reads {@code [..]} as a Datalog 3.3 array, a term kind biscuit-java 4.0.1 cannot
     * decode. Warrant must refuse such a token as malformed (fail closed), never skip the block. Agents that
     * attenuate with the reference write sets, {@code {"a", "b"}.contains($n)}, which both read.
     */
    @Test
    void aBlockUsingDatalog33ArraysIsRefusedAsMalformed() throws Exception {
        Answer rust = BiscuitWasm.run(researcherToken, ROOT.publicKey().hex(), List.of(),
                "check if request(\"tool\", \"notes\", $n), [\"read_note\"].contains($n);");
        assertThat(rust.attenuated().orElseThrow().blockSources().get(2)).contains("[\"read_note\"].contains($n)");

        TokenException e = catchThrowableOfType(TokenException.class,
                () -> VERIFIER.verify(rust.attenuated().orElseThrow().token()));
        assertThat(e).isNotNull();
        assertThat(e.reason()).isEqualTo(TokenReason.MALFORMED);
    }

    @Test
    void warrantContinuesAChainTheReferenceAttenuatedAndTheReferenceReadsIt() throws Exception {
        Answer rust = BiscuitWasm.run(researcherToken, ROOT.publicKey().hex(), List.of(),
                "check if request(\"tool\", \"notes\", $n), {\"read_note\"}.contains($n);");
        String summarizer = Delegator.attenuate(rust.attenuated().orElseThrow().token(),
                HopSpec.delegateTo("summarizer").tools("notes", "read_note").build(), CLOCK);

        VerifiedToken verified = VERIFIER.verify(summarizer);
        assertThat(verified.chain()).containsExactly("planner", "researcher", "summarizer");
        assertThat(verified.caller()).isEqualTo("summarizer");
        assertThat(authorize(verified, new Call("read", "read_note", "/notes/b.md", NOW)).allowed()).isTrue();
        assertThat(authorize(verified, new Call("write", "write_note", "/notes/b.md", NOW)).allowed()).isFalse();

        Answer back = BiscuitWasm.run(summarizer, ROOT.publicKey().hex(), List.of(), null);
        assertThat(back.verified()).as(back.error()).isTrue();
        assertThat(back.blocks()).isEqualTo(4);
        assertThat(back.revocationIds()).isEqualTo(verified.revocationIds());
        assertThat(back.blockSources().get(3)).contains("delegation(\"researcher\", \"summarizer\");");
    }

    @Test
    void malleatedSignaturesAreRejectedByBothImplementations() throws Exception {
        for (int block = 0; block < 2; block++) {
            String malleated = malleate(researcherToken, block);

            Answer rust = BiscuitWasm.run(malleated, ROOT.publicKey().hex(), List.of(), null);
            assertThat(rust.verified()).as("reference on block " + block).isFalse();
            // ed25519-dalek refuses S >= 2^252 before any curve arithmetic: "Cannot use scalar with high-bit set".
            assertThat(rust.error()).contains("InvalidSignature").containsIgnoringCase("scalar");

            TokenException e = catchThrowableOfType(TokenException.class, () -> VERIFIER.verify(malleated));
            assertThat(e).isNotNull();
            assertThat(e.reason()).isEqualTo(TokenReason.NON_CANONICAL_SIGNATURE);
        }
    }

    @Test
    void aForeignRootKeyIsRejectedByTheReference() throws Exception {
        Answer rust = BiscuitWasm.run(researcherToken, SigningKey.generate("other").publicKey().hex(), List.of(), null);
        assertThat(rust.verified()).isFalse();
        assertThat(rust.error()).contains("InvalidSignature");
    }

    /** Ed25519 group order L; S + L verifies in a lenient verifier (CVE-2020-36843) and changes revocation ids. */
    private static final BigInteger L =
            BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));

    /** Replaces S (little-endian, bytes 32..63 of the block signature) with S + L. */
    private static String malleate(String token, int block) throws Exception {
        Schema.Biscuit proto = Schema.Biscuit.parseFrom(Base64.getUrlDecoder().decode(token));
        Schema.SignedBlock signed = block == 0 ? proto.getAuthority() : proto.getBlocks(block - 1);
        byte[] sig = signed.getSignature().toByteArray();
        byte[] le = new byte[32];
        for (int i = 0; i < 32; i++) {
            le[i] = sig[63 - i]; // big-endian view of S
        }
        byte[] sPlusL = new BigInteger(1, le).add(L).toByteArray();
        for (int i = 0; i < 32; i++) {
            int from = sPlusL.length - 1 - i;
            sig[32 + i] = from >= 0 ? sPlusL[from] : 0;
        }
        Schema.SignedBlock changed = signed.toBuilder().setSignature(ByteString.copyFrom(sig)).build();
        Schema.Biscuit.Builder b = proto.toBuilder();
        if (block == 0) {
            b.setAuthority(changed);
        } else {
            b.setBlocks(block - 1, changed);
        }
        return Base64.getUrlEncoder().encodeToString(b.build().toByteArray());
    }
}
