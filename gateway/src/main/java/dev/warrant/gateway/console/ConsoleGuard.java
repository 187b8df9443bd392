package dev.warrant.gateway.console;

import dev.warrant.delegation.VerifiedToken;
import dev.warrant.gateway.admin.AdminApi;
import dev.warrant.gateway.auth.Authenticator;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.policies.Operation;
import dev.warrant.policies.PolicyEngine;
import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Who is asking, and may they (docs/ARCHITECTURE.md §12.2). Every console route passes here: the sign-in cookie
 * names a server-side {@link ConsoleSession}; its token is authenticated again (cached, so cheap) and must hold
 * the same {@code right("admin", "warrant", action)} the admin API asks for; every state change must carry the
 * session's CSRF token and come from this origin.
 */
final class ConsoleGuard {

    static final String CSRF_FIELD = "csrf";
    static final String CSRF_HEADER = "X-CSRF-Token";

    private final Authenticator authenticator;
    private final PolicyEngine engine;
    private final ConsoleSessions sessions;
    private final ConsoleCookies cookies;
    private final IdpClient idp;
    /** Renewals are audited: a sign-in the IdP stopped renewing ends with a line that says why. */
    private final ConsoleAudit audit;

    /**
     * @param idp null unless operators sign in through the IdP: then an expired IdP token is renewed with the
     *            session's refresh token instead of ending the sign-in
     */
    ConsoleGuard(Authenticator authenticator, PolicyEngine engine, ConsoleSessions sessions, boolean secure,
                 IdpClient idp, ConsoleAudit audit) {
        this.authenticator = authenticator;
        this.engine = engine;
        this.sessions = sessions;
        this.cookies = new ConsoleCookies(secure);
        this.idp = idp;
        this.audit = audit;
    }

    /**
     * The signed-in operator, or {@link ConsoleReason#SIGNED_OUT}. A token that stopped being valid (revoked,
     * expired) ends the sign-in on the spot.
     */
    Future<Operator> operator(RoutingContext ctx) {
        String value = cookies.value(ctx.request(), ConsoleCookies.SESSION);
        return sessions.find(value).compose(session -> {
            if (session == null) {
                return Future.failedFuture(new ConsoleRefusal(ConsoleReason.SIGNED_OUT, "please sign in"));
            }
            return authenticated(session, value, true);
        });
    }

    /** The session's operator; an expired IdP token is renewed once ({@code mayRenew}), anything else signs out. */
    private Future<Operator> authenticated(ConsoleSession session, String cookie, boolean mayRenew) {
        return authenticator.authenticate("Bearer " + session.token())
                .map(token -> new Operator(token, session, cookie))
                .recover(e -> {
                    Reason why = WarrantException.wrap(e).reason();
                    boolean expired = why == Reason.JWT_EXPIRED || why == Reason.TOKEN_EXPIRED;
                    if (!mayRenew || !expired || idp == null || session.refreshToken() == null) {
                        return signedOut(cookie, why.code());
                    }
                    return sessions.renew(cookie, session, this::refreshed)
                            .recover(failed -> {
                                String code;
                                if (failed instanceof ConsoleRefusal r) {
                                    code = r.reason().code();
                                } else {
                                    idp.forget(); // unreachable, or not OAuth: read its metadata afresh next time
                                    code = ConsoleReason.IDP_UNAVAILABLE.code();
                                }
                                return audit.refused("renew", code).transform(written -> signedOut(cookie, code));
                            })
                            .compose(renewal -> renewal == null ? signedOut(cookie, why.code())
                                    : authenticated(renewal.session(), cookie, false).compose(op -> !renewal.here()
                                            ? Future.succeededFuture(op)
                                            : audit.action(op, "renew", idp.settings().issuer(), "allow", "allowed",
                                                    null).map(op)));
                });
    }

    private <T> Future<T> signedOut(String cookie, String code) {
        return sessions.end(cookie).transform(ignored -> Future.failedFuture(
                new ConsoleRefusal(ConsoleReason.SIGNED_OUT, "signed out: " + code)));
    }

    /** Blocking (a worker, under the session's lock): fresh tokens for {@code current} from the IdP. */
    private ConsoleSession refreshed(ConsoleSession current) {
        try {
            IdpClient.Tokens fresh = idp.refresh(current.refreshToken()).toCompletionStage().toCompletableFuture()
                    .get(IdpClient.TIMEOUT.plusSeconds(2).toMillis(), TimeUnit.MILLISECONDS);
            return current.renewed(fresh.access(), fresh.refresh());
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no renewal from the identity provider in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while renewing");
        }
    }

    /**
     * For an answer that outlives its request (the live approvals stream): {@code op}'s token checked again (revoked,
     * expired, its right gone), without reading the session, so that an open stream does not keep an idle sign-in
     * alive. An expired token goes through {@link #operator(RoutingContext, String)}, which renews it if it can.
     */
    Future<Operator> stillSignedIn(RoutingContext ctx, Operator op, String right) {
        return authenticator.authenticate("Bearer " + op.session().token())
                .map(token -> new Operator(token, op.session(), op.cookie()))
                .recover(e -> {
                    Reason why = WarrantException.wrap(e).reason();
                    // The renewed sign-in (its fresh token) is what the next check reads.
                    return why == Reason.JWT_EXPIRED || why == Reason.TOKEN_EXPIRED
                            ? operator(ctx) : Future.failedFuture(e);
                })
                .compose(checked -> holding(checked, right));
    }

    /** The signed-in operator holding {@code right}, else a refusal. */
    Future<Operator> operator(RoutingContext ctx, String right) {
        return operator(ctx).compose(op -> holding(op, right));
    }

    private Future<Operator> holding(Operator op, String right) {
        return may(op.token(), right) ? Future.succeededFuture(op)
                : Future.failedFuture(new ConsoleRefusal(ConsoleReason.RIGHT_MISSING,
                        "your token lacks the admin right " + right));
    }

    /**
     * For a state change: the operator holding {@code right} (any operator when null), and a request carrying
     * their CSRF token.
     */
    Future<Operator> change(RoutingContext ctx, String right) {
        if (!sameOrigin(ctx.request())) {
            return Future.failedFuture(new ConsoleRefusal(ConsoleReason.CSRF_INVALID, "request from another site"));
        }
        return (right == null ? operator(ctx) : operator(ctx, right)).compose(op -> carriesCsrf(ctx, op.csrf()) ? Future.succeededFuture(op)
                : Future.failedFuture(new ConsoleRefusal(ConsoleReason.CSRF_INVALID,
                        "the form is missing its CSRF token or it is stale: reload the page")));
    }

    /** Whether {@code token} holds the admin right {@code action}, decided by the same engine as the admin API. */
    boolean may(VerifiedToken token, String action) {
        return engine.decide(token, Operation.admin(AdminApi.AREA, action, Optional.empty())).allowed();
    }

    /** The console's pages {@code token} may see, in navigation order: the nav, and where a sign-in lands. */
    java.util.List<ConsolePage> pagesFor(VerifiedToken token) {
        return java.util.Arrays.stream(ConsolePage.values()).filter(p -> may(token, p.right())).toList();
    }

    static boolean carriesCsrf(RoutingContext ctx, String expected) {
        String sent = ctx.request().getHeader(CSRF_HEADER);
        if (sent == null) {
            sent = ctx.request().getFormAttribute(CSRF_FIELD);
        }
        return sent != null && expected != null && MessageDigest.isEqual(
                sent.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A browser names a cross-site request in {@code Sec-Fetch-Site} and {@code Origin}; either pointing elsewhere
     * refuses it before any token is looked at (SameSite=Strict already keeps the cookie off such requests).
     */
    static boolean sameOrigin(HttpServerRequest req) {
        String site = req.getHeader("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            return false;
        }
        String origin = req.getHeader("Origin");
        if (origin == null) {
            return true;
        }
        // The authority, not the Host header: HTTP/2 carries it as :authority.
        io.vertx.core.net.HostAndPort authority = req.authority();
        return authority != null && origin.equals(req.scheme() + "://" + authority);
    }

    /** The sign-in cookie: SameSite=Strict, scoped to the console on a plain-HTTP port ({@link ConsoleCookies}). */
    Cookie signInCookie(String value, Duration maxAge) {
        return cookies.cookie(ConsoleCookies.SESSION, value, "/console", CookieSameSite.STRICT, maxAge);
    }

    Cookie clearedCookie() {
        return signInCookie("", Duration.ZERO);
    }

    ConsoleCookies cookies() {
        return cookies;
    }

    ConsoleSessions sessions() {
        return sessions;
    }

    Authenticator authenticator() {
        return authenticator;
    }
}
