package dev.warrant.gateway.identity;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An identity provider's key endpoints on a loopback port, controlled by the test: which keys the JWKS holds,
 * whether the discovery documents exist, whether it answers at all; and how often each was asked. Real HTTP, so
 * the gateway's fetching, timeouts and size bounds are what is tested. Reusable by other identity tests.
 *
 * <p>Paths: issuer {@code http://127.0.0.1:PORT/realms/test}; JWKS at {@code /realms/test/certs}; OpenID
 * discovery at {@code /realms/test/.well-known/openid-configuration}; RFC 8414 metadata at
 * {@code /.well-known/oauth-authorization-server/realms/test}.
 */
public final class TestIdp implements AutoCloseable {

    public static final String REALM_PATH = "/realms/test";

    /**
     * The production limits but a 15 s fetch timeout: on a loaded 2-core machine a cold JVM's first request can
     * take seconds, and tests that are not about the bound must not fail on it.
     */
    public static final JwksSource.Limits PATIENT = new JwksSource.Limits(Duration.ofSeconds(15),
            JwksSource.Limits.DEFAULTS.minRefreshInterval(), JwksSource.Limits.DEFAULTS.maxAge(),
            JwksSource.Limits.DEFAULTS.maxBodyBytes(), JwksSource.Limits.DEFAULTS.maxKeys());

    /**
     * One fetch through a JwksSource on a throwaway Vert.x, so class loading and the first connection's cost
     * are paid before tests that measure time.
     */
    public static void warmUp() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (TestIdp idp = start(vertx)) {
            idp.publish(List.of(TestJwts.ec("warm", com.nimbusds.jose.jwk.Curve.P_256)));
            JwksSource source = new JwksSource(vertx, vertx.createHttpClient(), new IssuerSettings(idp.issuer(),
                    java.util.Optional.of(idp.jwksUri()), JwsAlgorithm.DEFAULTS), java.time.Clock.systemUTC(), PATIENT);
            source.keys("warm").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private final HttpServer server;
    private final int port;
    private final AtomicReference<String> jwks = new AtomicReference<>("{\"keys\":[]}");
    private final AtomicReference<String> openidConfiguration = new AtomicReference<>();
    private final AtomicReference<String> oauthMetadata = new AtomicReference<>();
    private final AtomicBoolean silent = new AtomicBoolean();
    private final AtomicBoolean chunked = new AtomicBoolean();
    private final AtomicInteger jwksRequests = new AtomicInteger();
    private final AtomicInteger openidRequests = new AtomicInteger();
    private final AtomicInteger oauthRequests = new AtomicInteger();

    private TestIdp(Vertx vertx) throws Exception {
        server = vertx.createHttpServer().requestHandler(this::handle);
        port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                .actualPort();
        openidConfiguration.set(discovery());
    }

    /** Starts it on a free loopback port; call from the test thread, not an event loop. */
    public static TestIdp start(Vertx vertx) throws Exception {
        return new TestIdp(vertx);
    }

    private void handle(HttpServerRequest request) {
        if (silent.get()) {
            return;   // never answers: a hung IdP
        }
        String path = request.path();
        if (path.equals(REALM_PATH + "/certs")) {
            jwksRequests.incrementAndGet();
            json(request, jwks.get());
        } else if (path.equals(REALM_PATH + "/.well-known/openid-configuration")) {
            openidRequests.incrementAndGet();
            json(request, openidConfiguration.get());
        } else if (path.equals("/.well-known/oauth-authorization-server" + REALM_PATH)) {
            oauthRequests.incrementAndGet();
            json(request, oauthMetadata.get());
        } else {
            request.response().setStatusCode(404).end();
        }
    }

    private void json(HttpServerRequest request, String body) {
        if (body == null) {
            request.response().setStatusCode(404).end();
        } else if (chunked.get()) {
            request.response().putHeader("content-type", "application/json").setChunked(true);
            for (int i = 0; i < body.length(); i += 8192) {
                request.response().write(body.substring(i, Math.min(body.length(), i + 8192)));
            }
            request.response().end();
        } else {
            request.response().putHeader("content-type", "application/json").end(body);
        }
    }

    /** Answers without Content-Length, in 8 KiB chunks. */
    public void chunked(boolean on) {
        chunked.set(on);
    }

    public String issuer() {
        return "http://127.0.0.1:" + port + REALM_PATH;
    }

    public URI jwksUri() {
        return URI.create(issuer() + "/certs");
    }

    /** A discovery document for this issuer naming its JWKS. */
    public String discovery() {
        return new JsonObject().put("issuer", issuer()).put("jwks_uri", jwksUri().toString()).encode();
    }

    /** The JWKS holds the public halves of these keys (private members are never served). */
    public void publish(List<? extends com.nimbusds.jose.jwk.JWK> keys) {
        JsonArray array = new JsonArray();
        keys.forEach(k -> array.add(new JsonObject(k.toPublicJWK().toJSONObject())));
        jwks.set(new JsonObject().put("keys", array).encode());
    }

    /** The JWKS answers exactly this body. */
    public void jwksBody(String body) {
        jwks.set(body);
    }

    /** The OpenID discovery document (null: 404). */
    public void openidConfiguration(String body) {
        openidConfiguration.set(body);
    }

    /** The RFC 8414 metadata document (null, the default: 404). */
    public void oauthMetadata(String body) {
        oauthMetadata.set(body);
    }

    /** From now on requests are accepted and never answered. */
    public void silent() {
        silent.set(true);
    }

    /** Closes the port: connections are refused from now on. */
    public void stop() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    public int jwksRequests() {
        return jwksRequests.get();
    }

    public int openidRequests() {
        return openidRequests.get();
    }

    public int oauthRequests() {
        return oauthRequests.get();
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
