package dev.warrant.loadtest;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/**
 * The identity provider of the {@code warrant-jwt} scenario, without the internet: an RSA key whose public half
 * {@link JwksServer} serves on loopback, and the RS256 access token the agents present, as an enterprise IdP's
 * client-credentials grant would issue it ({@code iss}, {@code aud} = the gateway's resource, {@code sub},
 * {@code scope}, {@code exp}).
 */
final class JwtIssuer {

    static final String KEY_ID = "loadbench-rsa-1";
    static final String SUBJECT = "load-agent";
    /** The scope the mapping (see {@link WarrantNode}) turns into the right to call the HTTP echo tool. */
    static final String SCOPE = "tools";

    private final RSAKey key;
    private final int port;

    private JwtIssuer(RSAKey key, int port) {
        this.key = key;
        this.port = port;
    }

    /** A new 2048-bit key (the size IdPs use by default) for an issuer on {@code 127.0.0.1:port}. */
    static JwtIssuer create(int port) throws Exception {
        return new JwtIssuer(new RSAKeyGenerator(2048).keyID(KEY_ID).generate(), port);
    }

    int port() {
        return port;
    }

    /** The {@code iss} of its tokens: plain HTTP, which the gateway accepts for a loopback issuer only. */
    String issuer() {
        return "http://127.0.0.1:" + port;
    }

    URI jwksUri() {
        return URI.create(issuer() + JwksServer.PATH);
    }

    /** Writes the JWKS document (the public key only) for {@link JwksServer} to serve. */
    Path writeJwks(Path file) throws Exception {
        return Files.writeString(file, new JWKSet(key.toPublicJWK()).toString(true));
    }

    /** One access token for {@code audience}, valid for {@code ttl} from now. */
    String accessToken(String audience, Duration ttl) throws Exception {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer())
                .subject(SUBJECT)
                .audience(audience)
                .claim("scope", SCOPE)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .jwtID(UUID.randomUUID().toString())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(KEY_ID)
                .type(new JOSEObjectType("at+jwt")).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }
}
