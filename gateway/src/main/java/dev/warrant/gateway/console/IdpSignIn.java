package dev.warrant.gateway.console;

import dev.warrant.gateway.crypto.Sha256;
import dev.warrant.gateway.identity.BoundedFetch;
import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Sign-in through the identity provider (docs/ARCHITECTURE.md §12.2): OAuth 2.0 authorization code with PKCE
 * and the gateway's resource indicator. {@code /console/login/idp} sends the browser to the IdP with a fresh
 * {@code state} and PKCE verifier, kept only in a short-lived cookie of this browser (so any member can take the
 * callback); {@code /console/login/callback} checks both, redeems the code ({@link IdpClient}), and signs in with
 * the access token exactly as if it had been pasted. Every refusal is a login page with a stable code and an audit
 * line; nothing from the IdP's answer is echoed but a vetted error code.
 */
final class IdpSignIn {

    static final String START_PATH = "/console/login/idp";
    private static final Duration FLOW_TTL = Duration.ofMinutes(10);
    /** Far above any IdP's codes; a longer one is not worth sending on. */
    private static final int MAX_CODE_LENGTH = 4096;
    /** 32 random bytes in base64url: the state and the PKCE verifier (RFC 7636 §4.1 asks for 43-128 characters). */
    private static final Pattern RANDOM = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final Logger LOG = LoggerFactory.getLogger(IdpSignIn.class);

    private final IdpClient idp;
    private final LoginPage login;
    private final ConsoleCookies cookies;

    IdpSignIn(IdpClient idp, LoginPage login, ConsoleCookies cookies) {
        this.idp = idp;
        this.login = login;
        this.cookies = cookies;
    }

    /** The first leg: off to the IdP's authorization endpoint. */
    void start(RoutingContext ctx) {
        String state = ConsoleSessions.random();
        String verifier = ConsoleSessions.random();
        idp.authorizationUrl(state, challenge(verifier)).onComplete(ar -> {
            if (ar.failed()) {
                unavailable(ctx, ar.cause());
                return;
            }
            ctx.response().addCookie(flowCookie(state + "." + verifier, FLOW_TTL));
            Responses.redirect(ctx, ar.result());
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
            login.refuse(ctx, ConsoleReason.CSRF_INVALID,
                    "this sign-in was not started here, or took too long: start it again");
            return;
        }
        String issuer = idp.settings().issuer();
        // RFC 9207: an answer naming another issuer belongs to another IdP's flow (a mix-up attack).
        String iss = ctx.request().getParam("iss");
        if (iss != null && !iss.equals(issuer)) {
            login.refuse(ctx, ConsoleReason.IDP_REFUSED, "the answer names another issuer");
            return;
        }
        String error = ctx.request().getParam("error");
        if (error != null) {
            login.refuse(ctx, ConsoleReason.IDP_REFUSED, "the identity provider answered " + IdpClient.shown(error));
            return;
        }
        String code = ctx.request().getParam("code");
        if (code == null || code.isEmpty() || code.length() > MAX_CODE_LENGTH) {
            login.refuse(ctx, ConsoleReason.REQUEST_INVALID, "the identity provider sent no usable code");
            return;
        }
        idp.namesIssuerInResponses().compose(names -> {
            if (iss == null && names) {
                return Future.failedFuture(new ConsoleRefusal(ConsoleReason.IDP_REFUSED,
                        "the answer does not name its issuer, which this identity provider always does"));
            }
            return idp.redeem(code, kept[1]);
        }).onComplete(ar -> {
            if (ar.succeeded()) {
                login.complete(ctx, ar.result().access(), ar.result().refresh(), issuer);
            } else if (ar.cause() instanceof ConsoleRefusal r) {
                login.refuse(ctx, r.reason(), r.getMessage());
            } else {
                unavailable(ctx, ar.cause());
            }
        });
    }

    private void unavailable(RoutingContext ctx, Throwable cause) {
        idp.forget();
        // The URL and status go to the operator's log; the page names only the code.
        LOG.warn("console sign-in through {}: {}", idp.settings().issuer(), cause instanceof BoundedFetch.FetchFailed
                ? cause.getMessage() : cause.getClass().getSimpleName());
        login.refuse(ctx, ConsoleReason.IDP_UNAVAILABLE,
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
}
