package dev.warrant.gateway.config;

import dev.warrant.gateway.identity.IdentitySettings;
import dev.warrant.gateway.identity.IssuerSettings;
import dev.warrant.gateway.identity.JwsAlgorithm;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.warrant.gateway.config.ConfigLoaderTest.KEYS;
import static dev.warrant.gateway.config.ConfigLoaderTest.parse;
import static dev.warrant.gateway.config.ConfigLoaderTest.refused;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code identity:}: which IdPs' JWTs are accepted for which resource. Every mistake is one line naming the
 * setting; an algorithm that could let a forger in ({@code none}, HMAC) cannot even be configured.
 */
class IdentityConfigTest {

    static final String FULL = KEYS + """
            identity:
              resource: https://gateway.example.org/mcp
              issuers:
                - issuer: https://idp.example.org/realms/agents
                  jwksUri: https://idp.example.org/realms/agents/protocol/openid-connect/certs
                  algorithms: [RS256, ES256, PS384, EdDSA]
                - issuer: http://127.0.0.1:8081/realms/test
              mapping: identity.datalog
            """;

    static String identity(String issuerLines) {
        return KEYS + """
                identity:
                  resource: https://gateway.example.org/mcp
                  issuers:
                %s
                  mapping: identity.datalog
                """.formatted(issuerLines.indent(4).stripTrailing());
    }

    @Test
    void theFullShapeIsRead() {
        IdentitySettings id = new ConfigLoader(Map.of()).parse(FULL, Path.of("/etc/warrant")).identity().orElseThrow();

        assertThat(id.resource()).isEqualTo("https://gateway.example.org/mcp");
        assertThat(id.mapping()).isEqualTo(Path.of("/etc/warrant/identity.datalog"));
        assertThat(id.issuers()).containsExactly(
                new IssuerSettings("https://idp.example.org/realms/agents",
                        Optional.of(URI.create("https://idp.example.org/realms/agents/protocol/openid-connect/certs")),
                        List.of(JwsAlgorithm.RS256, JwsAlgorithm.ES256, JwsAlgorithm.PS384, JwsAlgorithm.EDDSA)),
                new IssuerSettings("http://127.0.0.1:8081/realms/test", Optional.empty(),
                        List.of(JwsAlgorithm.RS256, JwsAlgorithm.ES256)));
    }

    @Test
    void withoutIdentityTheFeatureIsOff() {
        assertThat(parse(KEYS).identity()).isEmpty();
    }

    @Test
    void theResourceAndAtLeastOneIssuerAndTheMappingAreRequired() {
        refused(KEYS + "identity: { issuers: [ { issuer: https://idp.example.org } ], mapping: m.datalog }\n",
                "identity.resource");
        refused(KEYS + "identity: { resource: https://gw.example.org/mcp, mapping: m.datalog }\n", "identity.issuers");
        refused(KEYS + "identity: { resource: https://gw.example.org/mcp, issuers: [], mapping: m.datalog }\n",
                "identity.issuers");
        refused(KEYS + "identity: { resource: https://gw.example.org/mcp, issuers: [ { issuer: https://idp.example.org } ] }\n",
                "identity.mapping");
        refused(KEYS + "identity: { resource: \"https://gw.example.org/mcp#x\", issuers: [ { issuer: https://i.example.org } ],"
                + " mapping: m }\n", "identity.resource");
        refused(KEYS + "identity: { resource: mcp, issuers: [ { issuer: https://i.example.org } ], mapping: m }\n",
                "identity.resource");
    }

    @Test
    void unknownKeysAreRefused() {
        refused(KEYS + "identity: { resource: https://gw.example.org/mcp, audience: x, issuers: [ { issuer: https://i.example.org } ],"
                + " mapping: m }\n", "identity.audience");
        refused(identity("- issuer: https://idp.example.org\n  jwks: https://idp.example.org/certs"), "identity.issuers[0].jwks");
    }

    @Test
    void anIssuerMustBeHttpsOrOnALoopbackHost() {
        assertThat(refused(identity("- issuer: http://idp.example.org/realms/agents"), "identity.issuers[0].issuer")
                .getMessage()).contains("https");
        refused(identity("- issuer: http://10.0.0.5/realms/agents"), "identity.issuers[0].issuer");
        refused(identity("- issuer: ftp://idp.example.org"), "identity.issuers[0].issuer");
        refused(identity("- issuer: idp.example.org"), "identity.issuers[0].issuer");
        refused(identity("- issuer: \"https://idp.example.org/?realm=a\""), "identity.issuers[0].issuer");
        refused(identity("- issuer: https://idp.example.org\n  jwksUri: http://idp.example.org/certs"),
                "identity.issuers[0].jwksUri");
        refused(identity("- issuer: https://idp.example.org\n- issuer: https://idp.example.org"), "identity.issuers");
        assertThat(parse(identity("- issuer: http://localhost:8080/realms/a\n- issuer: http://[::1]:8080/r")).identity()
                .orElseThrow().issuers()).hasSize(2);
    }

    @Test
    void noneAndHmacAlgorithmsCannotBeConfigured() {
        assertThat(refused(identity("- issuer: https://idp.example.org\n  algorithms: [RS256, none]"),
                "identity.issuers[0].algorithms[1]").getMessage()).contains("none is never accepted");
        assertThat(refused(identity("- issuer: https://idp.example.org\n  algorithms: [HS256]"),
                "identity.issuers[0].algorithms[0]").getMessage()).contains("HS256 is never accepted");
        refused(identity("- issuer: https://idp.example.org\n  algorithms: [hs512]"), "identity.issuers[0].algorithms[0]");
    }

    @Test
    void anUnknownOrMisspelledAlgorithmOrAnEmptyListIsRefused() {
        assertThat(refused(identity("- issuer: https://idp.example.org\n  algorithms: [RS265]"),
                "identity.issuers[0].algorithms[0]").getMessage()).contains("RS256 RS384");
        refused(identity("- issuer: https://idp.example.org\n  algorithms: [rs256]"), "identity.issuers[0].algorithms[0]");
        refused(identity("- issuer: https://idp.example.org\n  algorithms: []"), "identity.issuers[0].algorithms");
        refused(identity("- issuer: https://idp.example.org\n  algorithms: RS256"), "identity.issuers[0].algorithms");
    }
}
