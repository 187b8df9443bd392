package dev.warrant.gateway.console;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServerRequest;

import java.time.Duration;

/**
 * The console's cookies, all HttpOnly (docs/ARCHITECTURE.md §12.2). When the port serves TLS they carry the
 * {@code __Host-} prefix, Secure and {@code Path=/}: a browser then accepts them only over TLS, from this host
 * alone (no Domain), so neither a sibling subdomain nor a plain-HTTP answer can plant or overwrite a sign-in. On a
 * plain-HTTP port (the demo, loopback) the prefix would make browsers refuse them: plain names, scoped paths.
 */
final class ConsoleCookies {

    /** The sign-in: names a server-side session. */
    static final String SESSION = "warrant_console";
    /** The sign-in form's double-submitted CSRF value. */
    static final String LOGIN = "warrant_login";
    /** The IdP sign-in's state and PKCE verifier, between its two legs. */
    static final String IDP_FLOW = "warrant_idp";

    private final boolean secure;

    ConsoleCookies(boolean secure) {
        this.secure = secure;
    }

    /**
     * The cookie {@code base} with {@code value}; {@code path} is its scope on a plain-HTTP port. A zero
     * {@code maxAge} with an empty value clears it.
     */
    Cookie cookie(String base, String value, String path, CookieSameSite sameSite, Duration maxAge) {
        return Cookie.cookie(name(base), value).setPath(secure ? "/" : path).setHttpOnly(true).setSecure(secure)
                .setSameSite(sameSite).setMaxAge(maxAge.toSeconds());
    }

    /** The value the request carries for {@code base}, or null. */
    String value(HttpServerRequest request, String base) {
        Cookie c = request.getCookie(name(base));
        return c == null ? null : c.getValue();
    }

    private String name(String base) {
        return secure ? "__Host-" + base : base;
    }
}
