package dev.warrant.delegation;

import org.biscuitsec.biscuit.token.UnverifiedBiscuit;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.stream.Collectors;

import static dev.warrant.delegation.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MintVerifyTest {

    @Test
    void roundTripCarriesIdentityDatesAndRevocationIds() throws Exception {
        String token = plannerToken();
        String delegated = Delegator.attenuate(token, HopSpec.delegateTo("researcher")
                .tools("notes", "read_note").trace("00-0123456789abcdef0123456789abcdef-0123456789abcdef-01").build(), CLOCK);

        VerifiedToken root = VERIFIER.verify(token);
        assertThat(root.agent()).isEqualTo("planner");
        assertThat(root.caller()).isEqualTo("planner");
        assertThat(root.chain()).containsExactly("planner");
        assertThat(root.depth()).isZero();
        assertThat(root.task()).contains("T-42");
        assertThat(root.issuedAt()).isEqualTo(NOW);
        assertThat(root.expiresAt()).isEqualTo(NOW.plus(Duration.ofHours(1)));
        assertThat(root.blockCount()).isEqualTo(1);
        assertThat(root.rootKeyId()).isEqualTo("1");

        VerifiedToken v = VERIFIER.verify(delegated);
        assertThat(v.agent()).isEqualTo("planner");
        assertThat(v.caller()).isEqualTo("researcher");
        assertThat(v.chain()).containsExactly("planner", "researcher");
        assertThat(v.depth()).isEqualTo(1);
        assertThat(v.traceContexts()).containsExactly("00-0123456789abcdef0123456789abcdef-0123456789abcdef-01");
        assertThat(v.blockCount()).isEqualTo(2);
        // Revocation ids: lowercase hex, the library's own, authority first and shared with the parent.
        var libraryIds = UnverifiedBiscuit.from_b64url(delegated).revocation_identifiers().stream()
                .map(id -> id.toHex()).collect(Collectors.toList());
        assertThat(v.revocationIds()).isEqualTo(libraryIds).allMatch(id -> id.matches("[0-9a-f]{128}"));
        assertThat(v.revocationIds().get(0)).isEqualTo(root.revocationIds().get(0));
        assertThat(Delegator.holderUnverified(delegated)).isEqualTo("researcher");
        assertThat(Delegator.holderUnverified(token)).isEqualTo("planner");
    }

    @Test
    void selfAttenuationKeepsIdentity() throws Exception {
        String narrowed = Delegator.attenuate(plannerToken(), HopSpec.selfAttenuation().tools("notes", "read_note").build(), CLOCK);
        VerifiedToken v = VERIFIER.verify(narrowed);
        assertThat(v.caller()).isEqualTo("planner");
        assertThat(v.depth()).isZero();
        assertThat(v.blockCount()).isEqualTo(2);
        assertThat(v.authorize(call("notes", "write_note").build(), PolicySet.defaults(), AuthorizationLimits.defaults()).allowed()).isFalse();
        assertThat(v.authorize(call("notes", "read_note").build(), PolicySet.defaults(), AuthorizationLimits.defaults()).allowed()).isTrue();
    }

    @Test
    void aMintedIdentityIsReadFromTheAuthorityOfEveryTokenDelegatedFromIt() throws Exception {
        Identity alice = new Identity("https://idp.example.org/realms/agents", "alice@example.org");
        String token = MINTER.mint(MintSpec.builder("alice").right("tool", "notes", "read_note").identity(alice).build());
        assertThat(UnverifiedBiscuit.from_b64url(token).print())
                .contains("identity(\"https://idp.example.org/realms/agents\", \"alice@example.org\")");
        String delegated = Delegator.attenuate(token, HopSpec.delegateTo("helper").tools("notes", "read_note").build(), CLOCK);
        assertThat(VERIFIER.verify(delegated).identity()).contains(alice);
        assertThat(VERIFIER.verify(plannerToken()).identity()).isEmpty();
    }

    @Test
    void theGrantIsTheAuthorityBlockOrForAMintedIdentityTheIdentityItself() throws Exception {
        String planner = plannerToken();
        assertThat(VERIFIER.verify(planner).grant()).isEqualTo(VERIFIER.verify(planner).revocationIds().get(0));
        // Minting twice for one identity (another member, an expired mint) keeps the grant; another identity differs.
        Identity alice = new Identity("https://idp.example.org", "alice");
        String first = MINTER.mint(MintSpec.builder("alice").identity(alice).build());
        String second = MINTER.mint(MintSpec.builder("alice").identity(alice).build());
        String delegated = Delegator.attenuate(first, HopSpec.delegateTo("helper").build(), CLOCK);
        String bob = MINTER.mint(MintSpec.builder("alice").identity(new Identity("https://idp.example.org", "bob")).build());
        assertThat(VERIFIER.verify(first).revocationIds().get(0)).isNotEqualTo(VERIFIER.verify(second).revocationIds().get(0));
        assertThat(VERIFIER.verify(second).grant()).isEqualTo(VERIFIER.verify(first).grant()).startsWith("identity:");
        assertThat(VERIFIER.verify(delegated).grant()).isEqualTo(VERIFIER.verify(first).grant());
        assertThat(VERIFIER.verify(bob).grant()).isNotEqualTo(VERIFIER.verify(first).grant());
    }

    @Test
    void authorityBlockIsExactlyTheContract() throws Exception {
        String token = MINTER.mint(MintSpec.builder("planner").right("tool", "fs", "read_file").task("T-42")
                .ttl(Duration.ofHours(1)).peer("spiffe://example.org/planner").build());
        String printed = UnverifiedBiscuit.from_b64url(token).print();
        assertThat(printed).contains("agent(\"planner\")", "right(\"tool\", \"fs\", \"read_file\")", "task(\"T-42\")",
                "issued_at(2026-11-25T20:00:00Z)", "expires(2026-11-25T21:00:00Z)",
                "check if time($t), $t < 2026-11-25T21:00:00Z", "check if peer(\"spiffe://example.org/planner\")");
        assertThat(proto(token).getRootKeyId()).isEqualTo(1);
    }

    @Test
    void peerBindingIsAnAuthorityCheck() throws Exception {
        String token = MINTER.mint(MintSpec.builder("planner").right("tool", "notes", "*")
                .peer("spiffe://example.org/planner").build());
        assertThat(authorize(token, call("notes", "x").peer("spiffe://example.org/planner").build()).allowed()).isTrue();
        Decision d = authorize(token, call("notes", "x").peer("spiffe://example.org/evil").build());
        assertThat(d.reason()).isEqualTo(DenyReason.AUTHORITY_CHECK_FAILED);
        assertThat(d.failedBlock()).hasValue(0);
        assertThat(authorize(token, call("notes", "x").build()).reason()).isEqualTo(DenyReason.AUTHORITY_CHECK_FAILED);
    }

    @Test
    void minterRefusesBadTtls() {
        assertThatThrownBy(() -> MINTER.mint(MintSpec.builder("a").ttl(Duration.ZERO).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
        assertThatThrownBy(() -> MINTER.mint(MintSpec.builder("a").ttl(Duration.ofSeconds(-5)).build()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MINTER.mint(MintSpec.builder("a").ttl(Duration.ofHours(25)).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exceeds the maximum")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void specsValidateInput() {
        assertThatThrownBy(() -> new Right("file", "fs", "x")).hasMessageContaining("tool, resource, prompt, admin");
        assertThatThrownBy(() -> new Right("tool", "", "x")).hasMessageContaining("server");
        assertThatThrownBy(() -> MintSpec.builder(" ").build()).hasMessageContaining("agent");
        assertThatThrownBy(() -> MintSpec.builder("a\nb").build()).hasMessageContaining("control");
        assertThatThrownBy(() -> HopSpec.delegateTo("")).hasMessageContaining("delegatee");
        assertThatThrownBy(() -> HopSpec.delegateTo("r").tools("notes")).hasMessageContaining("at least one name");
        assertThatThrownBy(() -> HopSpec.delegateTo("r").argPathPrefix("path", "")).hasMessageContaining("must not be empty");
        assertThatThrownBy(() -> HopSpec.delegateTo("r").argEquals("bad key\"", "x")).hasMessageContaining("[A-Za-z0-9_.-]+");
        assertThatThrownBy(() -> HopSpec.delegateTo("r").argRange("n", 5, 1)).hasMessageContaining("empty");
        assertThatThrownBy(() -> HopSpec.delegateTo("r").trace("not-a-traceparent").build()).hasMessageContaining("traceparent");
        assertThatThrownBy(() -> HopSpec.delegateTo("r").ttl(Duration.ZERO).build()).hasMessageContaining("ttl");
        assertThatThrownBy(() -> new Arg("k", 1.5)).hasMessageContaining("String, Long or Boolean");
        assertThatThrownBy(() -> SigningKey.fromHex("1", "zz")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void signingKeyRoundTripsThroughHex() {
        SigningKey copy = SigningKey.fromHex("1", ROOT.privateKeyHex());
        assertThat(copy.publicKey()).isEqualTo(ROOT.publicKey());
        assertThat(ROOT.privateKeyHex()).matches("[0-9a-f]{64}");
        assertThat(ROOT.toString()).doesNotContain(ROOT.privateKeyHex());
    }
}
