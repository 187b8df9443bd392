package dev.warrant.delegation;

import dev.warrant.delegation.TokenInspector.BlockKind;
import dev.warrant.delegation.TokenInspector.Inspection;
import org.biscuitsec.biscuit.token.UnverifiedBiscuit;
import org.biscuitsec.biscuit.token.builder.Block;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import static dev.warrant.delegation.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The inspector on real tokens: a planner -> researcher -> summarizer chain and hand-built weak blocks. */
class TokenInspectorTest {
    static final String TRACE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    static String chain;

    @BeforeAll
    static void delegate() {
        String researcher = Delegator.attenuate(plannerToken(), HopSpec.delegateTo("researcher")
                .tools("notes", "read_note", "list_notes")
                .argPathPrefix("path", "/notes/public/")
                .ttl(Duration.ofMinutes(40))
                .trace(TRACE)
                .build(), CLOCK);
        chain = Delegator.attenuate(researcher, HopSpec.delegateTo("summarizer")
                .tools("notes", "read_note")
                .argEquals("format", "markdown")
                .argRange("limit", 1, 50)
                .ttl(Duration.ofMinutes(15))
                .peer("spiffe://example.org/summarizer")
                .build(), CLOCK);
    }

    @Test
    void unverifiedInspectionReadsTheChainAndSaysItIsUnverified() throws Exception {
        Inspection in = TokenInspector.inspectUnverified(chain, CLOCK);
        assertThat(in.verified()).isFalse();
        assertThat(in.rootKeyId()).hasValue("1");
        assertThat(in.agent()).isEqualTo("planner");
        assertThat(in.chain()).containsExactly("planner", "researcher", "summarizer");
        assertThat(in.holder()).isEqualTo("summarizer");
        assertThat(in.task()).hasValue("T-42");
        assertThat(in.blocks()).extracting(TokenInspector.InspectedBlock::kind)
                .containsExactly(BlockKind.AUTHORITY, BlockKind.DELEGATION, BlockKind.DELEGATION);
        assertThat(in.blocks().get(1).from()).hasValue("planner");
        assertThat(in.blocks().get(1).to()).hasValue("researcher");
        assertThat(in.blocks().get(1).trace()).hasValue(TRACE);
        assertThat(in.blocks().get(2).trace()).isEmpty();
        assertThat(in.revocationIds()).isEqualTo(VERIFIER.verify(chain).revocationIds());
        assertThat(in.blocks().get(1).source())
                .contains("delegation(\"planner\", \"researcher\");")
                .contains("check all arg_path(\"path\", $p), $p.starts_with(\"/notes/public/\") or method(\"tools/list\");");
        assertThat(in.warnings()).isEmpty();
        assertThat(in.explain()).startsWith("UNVERIFIED");
    }

    @Test
    void explanationNamesEveryHopAndTheEffectiveNarrowing() throws Exception {
        String text = TokenInspector.inspectUnverified(chain, CLOCK).explain();
        assertThat(text)
                .contains("Chain: planner -> researcher -> summarizer (2 delegation hops)")
                .contains("authority: issued to planner; task T-42; may: tool notes/read_note, tool notes/write_note;"
                        + " expires 2026-11-25T21:00:00Z")
                .contains("hop 1: planner -> researcher; may only: tool notes/list_notes, tool notes/read_note;"
                        + " argument 'path' must start with /notes/public/ (normalized path); expires 2026-11-25T20:40:00Z")
                .contains("  trace " + TRACE)
                .contains("hop 2: researcher -> summarizer; may only: tool notes/read_note;"
                        + " argument 'format' must equal 'markdown'; argument 'limit' must be >= 1 and must be <= 50;"
                        + " expires 2026-11-25T20:15:00Z; only over a connection whose client certificate is"
                        + " spiffe://example.org/summarizer")
                .contains("Effective for summarizer: may only: tool notes/read_note;"
                        + " argument 'path' must start with /notes/public/ (normalized path);"
                        + " argument 'format' must equal 'markdown'; argument 'limit' must be >= 1 and must be <= 50;"
                        + " expires 2026-11-25T20:15:00Z; only over a connection whose client certificate is"
                        + " spiffe://example.org/summarizer")
                .contains("No warnings.")
                .doesNotContain("EXPIRED");
        for (String id : VERIFIER.verify(chain).revocationIds()) {
            assertThat(text).contains("revocation id " + id);
        }
    }

    @Test
    void effectiveRightsMeetWildcardsAndResourcePrefixes() throws Exception {
        String token = MINTER.mint(MintSpec.builder("planner").right("tool", "github", "*")
                .right("resource", "fs", "file:///repo/").right("tool", "notes", "read_note").build());
        String child = Delegator.attenuate(token, HopSpec.selfAttenuation().tools("github", "get_issue", "list_issues")
                .resources("fs", "file:///repo/src/").resources("web", "https://").build(), CLOCK);
        Inspection in = TokenInspector.inspectUnverified(child, CLOCK);
        assertThat(in.blocks().get(1).kind()).isEqualTo(BlockKind.SELF_ATTENUATION);
        assertThat(in.chain()).containsExactly("planner");
        assertThat(in.effective().allowed()).containsExactlyInAnyOrder(
                "tool github/get_issue", "tool github/list_issues", "resource fs under file:///repo/src/");
        assertThat(in.explain()).contains("self-attenuation by planner: may only:");
    }

    @Test
    void hopWithoutAllowListKeepsTheParentsRights() throws Exception {
        String child = Delegator.attenuate(plannerToken(), HopSpec.delegateTo("researcher").build(), CLOCK);
        Inspection in = TokenInspector.inspectUnverified(child, CLOCK);
        assertThat(in.blocks().get(1).narrowing()).containsExactly("keeps every right of the previous holder");
        assertThat(in.effective().allowed()).containsExactly("tool notes/read_note", "tool notes/write_note");
    }

    @Test
    void theIdentityAMintedTokenRecordsIsShownAndAbsentOtherwise() throws Exception {
        String minted = MINTER.mint(MintSpec.builder("alice-agent").right("tool", "notes", "read_note")
                .identity(new Identity("https://idp.example.org/realms/agents", "alice")).build());
        Inspection in = TokenInspector.inspect(minted, RING, CLOCK);
        assertThat(in.identity()).hasValue(new Identity("https://idp.example.org/realms/agents", "alice"));
        assertThat(in.explain()).contains("Token of alice-agent, issued ")
                .contains("\nIdentity: alice (issuer https://idp.example.org/realms/agents).\n");

        Inspection plain = TokenInspector.inspectUnverified(chain, CLOCK);
        assertThat(plain.identity()).isEmpty();
        assertThat(plain.explain()).doesNotContain("Identity:");
    }

    @Test
    void verifiedInspectionNamesTheRingKey() throws Exception {
        Inspection in = TokenInspector.inspect(chain, RING, CLOCK);
        assertThat(in.verified()).isTrue();
        assertThat(in.rootKeyId()).hasValue("1");
        assertThat(in.explain()).startsWith("Verified with root key '1'");
    }

    @Test
    void verifiedInspectionStillExplainsAnExpiredToken() throws Exception {
        Inspection in = TokenInspector.inspect(chain, RING, clockAt(NOW.plus(Duration.ofDays(3))));
        assertThat(in.verified()).isTrue();
        assertThat(in.explain()).contains("expires 2026-11-25T20:15:00Z (EXPIRED)");
    }

    @Test
    void unknownRootKeyAndBadSignatureAreRefused() throws Exception {
        TokenException unknown = catchThrowableOfType(TokenException.class,
                () -> TokenInspector.inspect(chain, KeyRing.of(OTHER.publicKey()), CLOCK));
        assertThat(unknown.reason()).isEqualTo(TokenReason.UNKNOWN_ROOT_KEY);

        var proto = proto(chain).toBuilder();
        byte[] sig = proto.getBlocks(1).getSignature().toByteArray();
        sig[5] ^= 1;
        proto.setBlocks(1, proto.getBlocks(1).toBuilder().setSignature(com.google.protobuf.ByteString.copyFrom(sig)));
        String tampered = b64(proto.build().toByteArray());
        TokenException bad = catchThrowableOfType(TokenException.class, () -> TokenInspector.inspect(tampered, RING, CLOCK));
        assertThat(bad.reason()).isEqualTo(TokenReason.SIGNATURE_INVALID);
        // Unverified, the same bytes still read: that is what "unverified" means, and the text says so.
        assertThat(TokenInspector.inspectUnverified(tampered, CLOCK).explain()).startsWith("UNVERIFIED");
    }

    @Test
    void garbageIsMalformed() {
        for (String garbage : new String[] {"", "not base64 !!", Base64.getUrlEncoder().encodeToString(new byte[] {1, 2, 3, 4, 5})}) {
            TokenException e = catchThrowableOfType(TokenException.class, () -> TokenInspector.inspectUnverified(garbage, CLOCK));
            assertThat(e).as(garbage).isNotNull();
            assertThat(e.reason()).isEqualTo(TokenReason.MALFORMED);
        }
    }

    @Test
    void checkIfOverAnArgumentIsWeak() throws Exception {
        String weak = appendRaw(plannerToken(), "delegation(\"planner\", \"researcher\");"
                + "check if arg_path(\"path\", $p), $p.starts_with(\"/notes/public/\")");
        Inspection in = TokenInspector.inspectUnverified(weak, CLOCK);
        assertThat(in.warnings()).singleElement().asString()
                .startsWith("block 1: `check if arg_path(\"path\", $p), $p.starts_with(\"/notes/public/\")`")
                .contains("passes when ANY one value of a multi-valued argument matches")
                .contains("check all");
        assertThat(in.explain()).contains("Warnings:")
                .contains("argument 'path' must start with /notes/public/ (normalized path) (for at least one of its values only)");
    }

    @Test
    void checkAllWithoutListAlternativeHidesTheTool() throws Exception {
        String hidden = appendRaw(plannerToken(), "check all arg(\"limit\", $v), $v <= 10");
        assertThat(TokenInspector.inspectUnverified(hidden, CLOCK).warnings()).singleElement().asString()
                .contains("no `or method(\"tools/list\")` alternative").contains("hides the tool");
    }

    @Test
    void notEqualRulesAndFactsInHopsAreFlagged() throws Exception {
        Block block = new Block();
        block.add_fact("delegation(\"planner\", \"mallory\")");
        block.add_fact("right(\"tool\", \"notes\", \"delete_note\")");
        block.add_rule("ok($n) <- request(\"tool\", \"notes\", $n)");
        block.add_check("check if request(\"tool\", \"notes\", $n), $n != \"write_note\"");
        String token = UnverifiedBiscuit.from_b64url(plannerToken()).attenuate(block).serialize_b64url();
        Inspection in = TokenInspector.inspectUnverified(token, CLOCK);
        assertThat(in.warnings()).anySatisfy(w -> assertThat(w).contains("uses `!=`"))
                .anySatisfy(w -> assertThat(w).contains("defines 1 rule(s)").contains("only feeds that block's own checks"))
                .anySatisfy(w -> assertThat(w).contains("fact right(...) grants nothing"));
        // The unrecognized check is kept verbatim in the effective narrowing, not guessed at.
        assertThat(in.effective().otherChecks()).singleElement().asString().contains("$n != \"write_note\"");
        assertThat(in.explain()).contains("and, as written: block 1: check if request(\"tool\", \"notes\", $n)");
    }

    @Test
    void brokenChainIsReportedUpFront() throws Exception {
        String broken = appendRaw(plannerToken(), "delegation(\"mallory\", \"eve\")");
        Inspection in = TokenInspector.inspectUnverified(broken, CLOCK);
        assertThat(in.warnings().get(0)).startsWith("the gateway would refuse this token (chain_broken)");
        assertThat(catchThrowableOfType(TokenException.class, () -> TokenInspector.inspect(broken, RING, CLOCK)).reason())
                .isEqualTo(TokenReason.BROKEN_CHAIN);
    }

    @Test
    void strictVerifierFormRefusesExpiredTokens() {
        Verifier later = new Verifier(RING, VerifierSettings.defaults(), clockAt(Instant.parse("2026-11-26T00:00:00Z")));
        assertThat(catchThrowableOfType(TokenException.class, () -> TokenInspector.inspect(chain, later, CLOCK)).reason())
                .isEqualTo(TokenReason.EXPIRED);
    }
}
