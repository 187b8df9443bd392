package dev.warrant.gateway.identity;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/**
 * An issuer's metadata document: OpenID Connect Discovery ({@code <issuer>/.well-known/openid-configuration}),
 * else RFC 8414 ({@code /.well-known/oauth-authorization-server<path>}). Both specifications require the document
 * to name the issuer it was fetched for; one that names another is refused (the mix-up defence).
 *
 * @param document where it was read
 * @param json     its content
 */
public record IssuerMetadata(URI document, JsonNode json) {

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).build())
            .build());

    /** Reads the metadata of {@code issuer}; fails with {@link BoundedFetch.FetchFailed} by {@code deadlineNanos}. */
    public static Future<IssuerMetadata> fetch(BoundedFetch http, String issuer, long deadlineNanos) {
        URI oidc = URI.create(withoutTrailingSlash(issuer) + "/.well-known/openid-configuration");
        URI base = URI.create(issuer);
        String path = base.getRawPath() == null || base.getRawPath().equals("/") ? ""
                : withoutTrailingSlash(base.getRawPath());
        URI oauth = base.resolve("/.well-known/oauth-authorization-server" + path);
        return read(http, oidc, issuer, deadlineNanos)
                .recover(e -> e instanceof NotFound ? read(http, oauth, issuer, deadlineNanos)
                        : Future.failedFuture(e));
    }

    /**
     * The URL the document gives for {@code field}, https (http only on a loopback host, as for the issuer).
     *
     * @throws BoundedFetch.FetchFailed when it is missing or not such a URL
     */
    public URI endpoint(String field) {
        JsonNode value = json.path(field);
        if (!value.isTextual()) {
            throw new BoundedFetch.FetchFailed(document + ": has no " + field);
        }
        try {
            URI uri = IssuerSettings.uri(value.asText(), field);
            IssuerSettings.httpsOrLoopback(uri, field);
            return uri;
        } catch (IllegalArgumentException e) {
            throw new BoundedFetch.FetchFailed(document + ": " + e.getMessage());
        }
    }

    /** A document that is not there (404): the other well-known location may have it. */
    private static final class NotFound extends BoundedFetch.FetchFailed {
        NotFound(String message) {
            super(message);
        }
    }

    private static Future<IssuerMetadata> read(BoundedFetch http, URI document, String issuer, long deadlineNanos) {
        return http.get(document, remaining(deadlineNanos)).map(answer -> {
            if (answer.status() == 404) {
                throw new NotFound(document + ": HTTP 404");
            }
            if (answer.status() != 200) {
                throw new BoundedFetch.FetchFailed(document + ": HTTP " + answer.status());
            }
            JsonNode json;
            try {
                json = JSON.readTree(answer.body().getBytes());
            } catch (IOException e) {
                throw new BoundedFetch.FetchFailed(document + ": not JSON");
            }
            if (json == null || !json.path("issuer").isTextual() || !json.path("issuer").asText().equals(issuer)) {
                throw new BoundedFetch.FetchFailed(document + ": names a different issuer");
            }
            return new IssuerMetadata(document, json);
        });
    }

    /** What is left of a deadline, at least a millisecond (a request needs a positive timeout). */
    static Duration remaining(long deadlineNanos) {
        return Duration.ofNanos(Math.max(1_000_000, deadlineNanos - System.nanoTime()));
    }

    private static String withoutTrailingSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
