package dev.warrant.gateway.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warrant.gateway.config.ConfigException;
import dev.warrant.gateway.crypto.Sha256;
import dev.warrant.gateway.identity.BoundedFetch;
import dev.warrant.gateway.identity.IssuerMetadata;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpClient;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * Sign-in through the identity provider (docs/ARCHITECTURE.md §12.2): OAuth 2.0 authorization code with PKCE
 * and the gateway's resource indicator. {@code /console/login/idp} sends the browser to the IdP with a fresh
 * {@code state} and PKCE verifier, kept only in a short-lived cookie of this browser (so any member can take the
 * callback); {@code /console/login/callback} checks both, redeems the code at the token endpoint with the
 * console's client secret, and signs in with the access token exactly as if it had been pasted. Every refusal is
 * a login page with a stable code and an audit line; nothing from the IdP's answer is echoed but a vetted error code.
 */
final class IdpSignIn {

    static final String START_PATH = "/console/login/idp";
    private static final Duration FLOW_TTL = Duration.ofMinutes(10);
    private static final Duration IDP_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_IDP_BODY_BYTES = 256 * 1024;
    /** Far above any IdP's codes; a longer one is not worth sending on. */
    private static final int MAX_CODE_LENGTH = 4096;
    /** 32 random bytes in base64url: the state and the PKCE verifier (RFC 7636 §4.1 asks for 43-128 characters). */
    private static final Pattern RANDOM = Pattern.compile("[A-Za-z0-9_-]{43}");
    /** RFC 6749 error codes are %x20-21 / %x23-5B / %x5D-7E; we show only the plain ones. */
    private static final Pattern ERROR_CODE = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(IdpSignIn.class);

    private final IdpSignInSettings settings;
    private final String resource;
    private final String clientAuthorization;
    private final BoundedFetch http;
    private final LoginPage login;
    private final ConsoleCookies cookies;
    /** The IdP's metadata once read; dropped when the IdP fails, so a moved endpoint is found again. */
    private final AtomicReference<IssuerMetadata> metadata = new AtomicReference<>();

    /**
     * @param resource the gateway's resource ({@code identity.resource}): the audience of the token asked for
     * @throws ConfigException when the client secret file cannot be read
     */
    IdpSignIn(Vertx vertx, HttpClient client, IdpSignInSettings settings, String resource, LoginPage login,
              ConsoleCookies cookies) {
        this.settings = settings;
        this.resource = resource;
        this.login = login;
        this.cookies = cookies;
        this.http = new BoundedFetch(vertx, client, MAX_IDP_BODY_BYTES);
        this.clientAuthorization = basic(settings.clientId(), readSecret(settings));
    }

    /** The first leg: off to the IdP's authorization endpoint. */
    void start(RoutingContext ctx) {
        metadata().onComplete(ar -> {
            if (ar.failed()) {
                unavailable(ctx, ar.cause());
                return;
            }
            URI authorize;
            try {
                authorize = ar.result().endpoint("authorization_endpoint");
            } catch (BoundedFetch.FetchFailed e) {
                unavailable(ctx, e);
                return;
            }
            String state = ConsoleSessions.random();
            String verifier = ConsoleSessions.random();
            Map<String, String> query = new LinkedHashMap<>();
            query.put("response_type", "code");
            query.put("client_id", settings.clientId());
            query.put("redirect_uri", settings.redirectUri().toString());
            if (!settings.scope().isEmpty()) {
                query.put("scope", settings.scope());
            }
            query.put("state", state);
            query.put("code_challenge", challenge(verifier));
            query.put("code_challenge_method", "S256");
            query.put("resource", resource);
            ctx.response().addCookie(flowCookie(state + "." + verifier, FLOW_TTL));
            Responses.redirect(ctx, withQuery(authorize, query));
        });
    }

    /** The second leg: the IdP sends the browser back with a code (or an error) and our state. */
    void callback(RoutingContext ctx) {
        String flow = cookies.value(ctx.request(), ConsoleCookies.IDP_FLOW);
        // One callback per flow; cleared after reading (the request's cookies and the answer's share one jar).
        ctx.response().addCookie(flowCookie("", Duration.ZERO));
        String[] kept = flow == null ? new String[0] : flow.split("\\.", -1);
        String state = ctx.request().getParam("state");
        if (kept.length != 2 || !RANDOM.matcher(kept[0]).matches() || !RANDOM.matcher(kept[1]).matches()
                || state == null || !MessageDigest.isEqual(kept[0].getBytes(StandardCharsets.US_ASCII),
                state.getBytes(StandardCharsets.UTF_8))) {
            login.refuse(ctx, ConsoleReason.CSRF_INVALID.httpStatus(), ConsoleReason.CSRF_INVALID.code(),
                    "this sign-in was not started here, or took too long: start it again");
            return;
        }
        // RFC 9207: an answer naming another issuer belongs to another IdP's flow (a mix-up attack).
        String iss = ctx.request().getParam("iss");
        if (iss != null && !iss.equals(settings.issuer())) {
            refused(ctx, "the answer names another issuer");
            return;
        }
        String error = ctx.request().getParam("error");
        if (error != null) {
            refused(ctx, "the identity provider answered " + shown(error));
            return;
        }
        String code = ctx.request().getParam("code");
        if (code == null || code.isEmpty() || code.length() > MAX_CODE_LENGTH) {
            login.refuse(ctx, ConsoleReason.REQUEST_INVALID.httpStatus(), ConsoleReason.REQUEST_INVALID.code(),
                    "the identity provider sent no usable code");
            return;
        }
        metadata().compose(m -> {
            if (iss == null && m.json().path("authorization_response_iss_parameter_supported").asBoolean(false)) {
                return Future.failedFuture(new ConsoleRefusal(ConsoleReason.IDP_REFUSED,
                        "the answer does not name its issuer, which this identity provider always does"));
            }
            return redeem(m.endpoint("token_endpoint"), code, kept[1]);
        }).onComplete(ar -> {
            if (ar.succeeded()) {
                login.complete(ctx, ar.result(), settings.issuer());
            } else if (ar.cause() instanceof ConsoleRefusal r) {
                login.refuse(ctx, r.reason().httpStatus(), r.reason().code(), r.getMessage());
            } else {
                unavailable(ctx, ar.cause());
            }
        });
    }

    /** The code for an access token (RFC 6749 §4.1.3, with the PKCE verifier and the resource). */
    private Future<String> redeem(URI tokenEndpoint, String code, String verifier) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", settings.redirectUri().toString());
        form.put("code_verifier", verifier);
        form.put("resource", resource);
        return http.postForm(tokenEndpoint, clientAuthorization, form, IDP_TIMEOUT).map(answer -> {
            JsonNode body = parse(answer.body().getBytes());
            if (answer.status() != 200) {
                if (answer.status() / 100 == 4 && body != null && body.path("error").isTextual()) {
                    throw new ConsoleRefusal(ConsoleReason.IDP_REFUSED, "the identity provider refused the code: "
                            + shown(body.path("error").asText()));
                }
                throw new BoundedFetch.FetchFailed(tokenEndpoint + ": HTTP " + answer.status());
            }
            if (body == null || !body.path("access_token").isTextual()
                    || !"bearer".equalsIgnoreCase(body.path("token_type").asText())) {
                throw new BoundedFetch.FetchFailed(tokenEndpoint + ": no bearer access token in its answer");
            }
            return body.path("access_token").asText();
        });
    }

    private Future<IssuerMetadata> metadata() {
        IssuerMetadata known = metadata.get();
        if (known != null) {
            return Future.succeededFuture(known);
        }
        return IssuerMetadata.fetch(http, settings.issuer(), System.nanoTime() + IDP_TIMEOUT.toNanos())
                .onSuccess(metadata::set);
    }

    private void refused(RoutingContext ctx, String message) {
        login.refuse(ctx, ConsoleReason.IDP_REFUSED.httpStatus(), ConsoleReason.IDP_REFUSED.code(), message);
    }

    private void unavailable(RoutingContext ctx, Throwable cause) {
        metadata.set(null);
        // The URL and status go to the operator's log; the page names only the code.
        LOG.warn("console sign-in through {}: {}", settings.issuer(), cause instanceof BoundedFetch.FetchFailed
                ? cause.getMessage() : cause.getClass().getSimpleName());
        login.refuse(ctx, ConsoleReason.IDP_UNAVAILABLE.httpStatus(), ConsoleReason.IDP_UNAVAILABLE.code(),
                "the identity provider cannot be reached or gave an answer that is not OAuth; try again later");
    }

    /** Holds {@code state.verifier} between the two legs; SameSite=Lax, as the callback is a cross-site arrival. */
    private Cookie flowCookie(String value, Duration maxAge) {
        return cookies.cookie(ConsoleCookies.IDP_FLOW, value, IdpSignInSettings.CALLBACK_PATH, CookieSameSite.LAX,
                maxAge);
    }

    /** RFC 7636 §4.2: S256. */
    static String challenge(String verifier) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                Sha256.of(verifier.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String withQuery(URI endpoint, Map<String, String> query) {
        StringBuilder url = new StringBuilder(endpoint.toString());
        // An endpoint may carry a query of its own (RFC 6749 §3.1): ours is appended to it.
        char separator = endpoint.getRawQuery() == null ? '?' : '&';
        for (Map.Entry<String, String> e : query.entrySet()) {
            url.append(separator).append(BoundedFetch.formEncode(e.getKey())).append('=')
                    .append(BoundedFetch.formEncode(e.getValue()));
            separator = '&';
        }
        return url.toString();
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

    /** An IdP's error code as we show it: only a plain token, never its free text. */
    private static String shown(String code) {
        return ERROR_CODE.matcher(code).matches() ? code : "an error";
    }
}
