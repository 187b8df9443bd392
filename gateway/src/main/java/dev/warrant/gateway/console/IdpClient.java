package dev.warrant.gateway.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warrant.gateway.config.ConfigException;
import dev.warrant.gateway.identity.BoundedFetch;
import dev.warrant.gateway.identity.IssuerMetadata;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * The console as an OAuth client of the identity provider (docs/ARCHITECTURE.md §12.2): where to send a browser
 * to sign in, a code for tokens, a refresh token for fresh ones. Always for the gateway's own resource, always
 * with the console's client secret (client_secret_basic). Failures are a {@link ConsoleRefusal}
 * ({@code console_idp_refused}: the IdP said no, by its error code) or a {@link BoundedFetch.FetchFailed} (it
 * could not be reached or did not speak OAuth).
 */
final class IdpClient {

    /** What the token endpoint gave: the access token, and a refresh token when the IdP issues one. */
    record Tokens(String access, String refresh) {
        @Override
        public String toString() {
            return "Tokens[refresh=" + (refresh != null) + "]"; // never the tokens themselves
        }
    }

    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_BODY_BYTES = 256 * 1024;
    /** RFC 6749 error codes are %x20-21 / %x23-5B / %x5D-7E; we show only the plain ones. */
    private static final Pattern ERROR_CODE = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final IdpSignInSettings settings;
    private final String resource;
    private final String clientAuthorization;
    private final BoundedFetch http;
    /** The IdP's metadata once read; dropped when the IdP fails, so a moved endpoint is found again. */
    private final AtomicReference<IssuerMetadata> metadata = new AtomicReference<>();

    /**
     * @param resource the gateway's resource ({@code identity.resource}): the audience of every token asked for
     * @throws ConfigException when the client secret file cannot be read
     */
    IdpClient(Vertx vertx, HttpClient client, IdpSignInSettings settings, String resource) {
        this.settings = settings;
        this.resource = resource;
        this.http = new BoundedFetch(vertx, client, MAX_BODY_BYTES);
        this.clientAuthorization = basic(settings.clientId(), readSecret(settings));
    }

    IdpSignInSettings settings() {
        return settings;
    }

    /** The authorization request (RFC 6749 §4.1.1, PKCE S256, the resource) with this state and challenge. */
    Future<String> authorizationUrl(String state, String challenge) {
        return metadata().map(m -> {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("response_type", "code");
            query.put("client_id", settings.clientId());
            query.put("redirect_uri", settings.redirectUri().toString());
            if (!settings.scope().isEmpty()) {
                query.put("scope", settings.scope());
            }
            query.put("state", state);
            query.put("code_challenge", challenge);
            query.put("code_challenge_method", "S256");
            query.put("resource", resource);
            return withQuery(m.endpoint("authorization_endpoint"), query);
        });
    }

    /** Whether the IdP says it always names itself in an authorization response (RFC 9207). */
    Future<Boolean> namesIssuerInResponses() {
        return metadata().map(m -> m.json().path("authorization_response_iss_parameter_supported").asBoolean(false));
    }

    /** The code for tokens (RFC 6749 §4.1.3, with the PKCE verifier and the resource). */
    Future<Tokens> redeem(String code, String verifier) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", settings.redirectUri().toString());
        form.put("code_verifier", verifier);
        form.put("resource", resource);
        return tokens(form, null);
    }

    /** A refresh token for fresh tokens (RFC 6749 §6); the IdP may rotate it, else the old one stays. */
    Future<Tokens> refresh(String refreshToken) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        form.put("resource", resource);
        return tokens(form, refreshToken);
    }

    /** Forget the metadata: the next use reads it again (after the IdP failed, or moved an endpoint). */
    void forget() {
        metadata.set(null);
    }

    private Future<Tokens> tokens(Map<String, String> form, String previousRefresh) {
        return metadata().compose(m -> {
            URI endpoint = m.endpoint("token_endpoint");
            return http.postForm(endpoint, clientAuthorization, form, TIMEOUT).map(answer -> {
                JsonNode body = parse(answer.body().getBytes());
                if (answer.status() != 200) {
                    if (answer.status() / 100 == 4 && body != null && body.path("error").isTextual()) {
                        throw new ConsoleRefusal(ConsoleReason.IDP_REFUSED, "the identity provider refused the "
                                + ("refresh_token".equals(form.get("grant_type")) ? "renewal" : "code") + ": "
                                + shown(body.path("error").asText()));
                    }
                    throw new BoundedFetch.FetchFailed(endpoint + ": HTTP " + answer.status());
                }
                if (body == null || !body.path("access_token").isTextual()
                        || !"bearer".equalsIgnoreCase(body.path("token_type").asText())) {
                    throw new BoundedFetch.FetchFailed(endpoint + ": no bearer access token in its answer");
                }
                String refresh = body.path("refresh_token").isTextual() ? body.path("refresh_token").asText()
                        : previousRefresh;
                return new Tokens(body.path("access_token").asText(), refresh);
            });
        });
    }

    private Future<IssuerMetadata> metadata() {
        IssuerMetadata known = metadata.get();
        if (known != null) {
            return Future.succeededFuture(known);
        }
        return IssuerMetadata.fetch(http, settings.issuer(), System.nanoTime() + TIMEOUT.toNanos())
                .onSuccess(metadata::set);
    }

    /** An IdP's error code as we show it: only a plain token, never its free text. */
    static String shown(String code) {
        return ERROR_CODE.matcher(code).matches() ? code : "an error";
    }

    private static String withQuery(URI endpoint, Map<String, String> query) {
        // An endpoint may carry a query of its own (RFC 6749 §3.1): ours is appended to it.
        return endpoint + (endpoint.getRawQuery() == null ? "?" : "&") + BoundedFetch.form(query);
    }

    /** RFC 6749 §2.3.1: client id and secret form-encoded, then Basic. */
    private static String basic(String clientId, String secret) {
        String pair = BoundedFetch.formEncode(clientId) + ":" + BoundedFetch.formEncode(secret);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    private static String readSecret(IdpSignInSettings settings) {
        String secret;
        try {
            secret = Files.readString(settings.clientSecretFile(), StandardCharsets.UTF_8).strip();
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("console.signIn.clientSecretFile: cannot read " + settings.clientSecretFile()
                    + " (" + e.getClass().getSimpleName() + ")");
        }
        if (secret.isEmpty()) {
            throw new ConfigException("console.signIn.clientSecretFile: " + settings.clientSecretFile() + " is empty");
        }
        return secret;
    }

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }
}
