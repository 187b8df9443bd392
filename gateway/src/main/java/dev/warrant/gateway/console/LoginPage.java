package dev.warrant.gateway.console;

import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;

/**
 * Sign-in and sign-out (docs/ARCHITECTURE.md §12.2). The form's field is {@code token}: an admin Biscuit, or an
 * IdP JWT when identity is configured (mapped like an agent's). The form itself is protected against login CSRF
 * by a double-submitted random value (a cookie and a hidden field that must match). A refused sign-in shows the
 * reason code and an empty form: the token is never echoed.
 */
final class LoginPage {

    static final String PATH = "/console/login";
    static final String TOKEN_FIELD = "token";

    private final ConsoleGuard guard;
    private final ConsoleAudit audit;
    private final ConsoleSettings settings;
    private final int maxTokenLength;

    LoginPage(ConsoleGuard guard, ConsoleAudit audit, ConsoleSettings settings, int maxTokenLength) {
        this.guard = guard;
        this.audit = audit;
        this.settings = settings;
        this.maxTokenLength = maxTokenLength;
    }

    void form(RoutingContext ctx) {
        show(ctx, 200, null);
    }

    void signIn(RoutingContext ctx) {
        String pre = guard.cookies().value(ctx.request(), ConsoleCookies.LOGIN);
        if (!ConsoleGuard.sameOrigin(ctx.request()) || pre == null || !ConsoleGuard.carriesCsrf(ctx, pre)) {
            refuse(ctx, ConsoleReason.CSRF_INVALID, "the sign-in form expired, please try again");
            return;
        }
        String token = ctx.request().getFormAttribute(TOKEN_FIELD);
        if (token == null || token.isBlank() || token.length() > maxTokenLength) {
            refuse(ctx, ConsoleReason.REQUEST_INVALID, "paste a token (at most " + maxTokenLength + " characters)");
            return;
        }
        complete(ctx, token.strip(), null, null);
    }

    /**
     * Signs in with {@code token} however it was obtained: it must authenticate and hold a console right; then
     * the session, its cookie and the audit line ({@code via}: the issuer for a sign-in through the IdP, else null;
     * {@code refreshToken}: the IdP's, kept server-side to renew the token, else null).
     * A sign-in through the IdP arrives on a cross-site navigation, where the browser would not send the new
     * SameSite=Strict cookie on a redirect: it gets a page that moves on by itself instead ({@link #moveOn}).
     */
    void complete(RoutingContext ctx, String token, String refreshToken, String via) {
        guard.authenticator().authenticate("Bearer " + token).compose(verified -> {
            if (guard.pagesFor(verified).isEmpty()) {
                return Future.failedFuture(new ConsoleRefusal(ConsoleReason.NO_CONSOLE_RIGHTS,
                        "this token holds none of the console's admin rights"));
            }
            return guard.sessions().create(token, refreshToken).map(created -> new Operator(verified, created.session(),
                    created.cookie()));
        }).onComplete(ar -> {
            if (ar.failed()) {
                String code = ConsoleErrors.code(ar.cause());
                int status = ar.cause() instanceof ConsoleRefusal r ? r.reason().httpStatus() : 401;
                refuse(ctx, status, code, "sign-in refused");
                return;
            }
            Operator op = ar.result();
            audit.action(op, "sign-in", via, "allow", "allowed", null).onComplete(written -> {
                ctx.response().addCookie(guard.signInCookie(op.cookie(), settings.sessionTtl()));
                ctx.response().addCookie(loginCookie("", Duration.ZERO));
                // The first page the operator may see (sign-in above made sure there is one).
                String first = guard.pagesFor(op.token()).get(0).path();
                if (via == null) {
                    Responses.redirect(ctx, first);
                } else {
                    moveOn(ctx, first);
                }
            });
        });
    }

    /** A refused sign-in for one of the console's own reasons. */
    void refuse(RoutingContext ctx, ConsoleReason reason, String message) {
        refuse(ctx, reason.httpStatus(), reason.code(), message);
    }

    /** A refused sign-in: audited by its code, and the form again with the reason. */
    void refuse(RoutingContext ctx, int status, String code, String message) {
        audit.refusedSignIn(code).onComplete(written -> show(ctx, status, code + ": " + message));
    }

    /**
     * A same-site step after a cross-site arrival: a navigation this page starts is same-site, so the browser
     * sends the SameSite=Strict sign-in cookie with it.
     */
    private static void moveOn(RoutingContext ctx, String path) {
        String body = "<h1>Signed in</h1><p><a id=\"continue\" href=\"" + Html.text(path) + "\">Continue to the console"
                + "</a></p>";
        Responses.html(ctx, 200, Layout.bare("Signed in", body, "<meta http-equiv=\"refresh\" content=\"0;url="
                + Html.text(path) + "\">"));
    }

    void signOut(RoutingContext ctx) {
        guard.change(ctx, null).onComplete(ar -> {
            Future<Void> audited = ar.succeeded()
                    ? audit.action(ar.result(), "sign-out", null, "allow", "allowed", null) : Future.succeededFuture();
            String cookie = guard.cookies().value(ctx.request(), ConsoleCookies.SESSION);
            guard.sessions().end(cookie).onComplete(ignored -> audited.onComplete(written -> {
                ctx.response().addCookie(guard.clearedCookie());
                Responses.redirect(ctx, PATH);
            }));
        });
    }

    private void show(RoutingContext ctx, int status, String error) {
        String csrf = ConsoleSessions.random();
        ctx.response().addCookie(loginCookie(csrf, Duration.ofMinutes(30)));
        String body = "<h1>Sign in</h1>"
                + (error == null ? "" : "<div class=\"error\" role=\"alert\" id=\"login-error\">" + Html.text(error)
                        + "</div>")
                + settings.signIn().map(idp -> "<p class=\"idp\"><a class=\"button\" id=\"sign-in-idp\" href=\""
                        + IdpSignIn.START_PATH + "\">Sign in with " + Html.text(idp.issuer()) + "</a></p>"
                        + "<p>or paste a token:</p>").orElse("")
                + "<form method=\"post\" action=\"" + PATH + "\" class=\"login\">" + Html.csrfField(csrf)
                + "<label for=\"token\">Admin token (a Warrant Biscuit, or your identity provider's access token)"
                + "</label><input type=\"password\" id=\"token\" name=\"" + TOKEN_FIELD + "\" autocomplete=\"off\""
                + " spellcheck=\"false\" required>"
                + "<button type=\"submit\" id=\"sign-in\">Sign in</button></form>";
        Responses.html(ctx, status, Layout.bare("Sign in", body));
    }

    private Cookie loginCookie(String value, Duration maxAge) {
        return guard.cookies().cookie(ConsoleCookies.LOGIN, value, PATH, CookieSameSite.STRICT, maxAge);
    }
}
