package dev.warrant.gateway.identity;

import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.SigningKey;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The authenticator can route a bearer by its shape alone: JWS and JWE to the JWT verifier, Biscuits not. */
class JwtBearerFormatTest {

    @Test
    void aCompactJwsOrJweLooksLikeAJwt() {
        String jws = TestJwts.sign(TestJwts.header("RS256", "k1"), TestJwts.claims("https://idp.example.org",
                "https://gw.example.org/mcp", java.time.Instant.now()), TestJwts.rsa("k1"));
        assertThat(BearerFormat.looksLikeJwt(jws)).isTrue();
        assertThat(BearerFormat.looksLikeJwt("eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0.")).as("unsigned: the verifier refuses it by name").isTrue();
        assertThat(BearerFormat.looksLikeJwt("eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d")).as("JWE").isTrue();
    }

    @Test
    void otherShapesDoNot() {
        assertThat(BearerFormat.looksLikeJwt(null)).isFalse();
        assertThat(BearerFormat.looksLikeJwt("")).isFalse();
        assertThat(BearerFormat.looksLikeJwt("abc.def")).isFalse();
        assertThat(BearerFormat.looksLikeJwt(".abc.def")).isFalse();
        assertThat(BearerFormat.looksLikeJwt("a.b.c.d")).isFalse();
        assertThat(BearerFormat.looksLikeJwt("a+b.c.d")).as("not base64url").isFalse();
        assertThat(BearerFormat.looksLikeJwt("a.b.c ")).isFalse();
    }

    @Test
    void aBiscuitDoesNot() {
        Minter minter = new Minter(SigningKey.generate("root"), java.time.Clock.systemUTC(), java.time.Duration.ofHours(1));
        String biscuit = minter.mint(MintSpec.builder("agent-a").right("tool", "notes", "read_note")
                .ttl(java.time.Duration.ofMinutes(5)).build());
        assertThat(biscuit).doesNotContain(".");
        assertThat(BearerFormat.looksLikeJwt(biscuit)).isFalse();
    }
}
