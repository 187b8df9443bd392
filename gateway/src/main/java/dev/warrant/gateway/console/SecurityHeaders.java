package dev.warrant.gateway.console;

import io.vertx.core.http.HttpServerResponse;

/**
 * Headers on every console answer (docs/ARCHITECTURE.md §12.2): a Content-Security-Policy that allows only the
 * console's own scripts, styles and connections (no inline script, no inline style, no other origin), no
 * framing, no referrer to other sites, no caching of pages that show held calls or audit lines. Not
 * {@code no-referrer}: under it Chromium sends {@code Origin: null} on the console's own form posts, which the
 * origin check then refuses.
 */
final class SecurityHeaders {

    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
            + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private SecurityHeaders() {
    }

    static HttpServerResponse apply(HttpServerResponse res) {
        return res.putHeader("Content-Security-Policy", CSP)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("X-Frame-Options", "DENY")
                .putHeader("Referrer-Policy", "same-origin")
                .putHeader("Cross-Origin-Opener-Policy", "same-origin")
                .putHeader("Cross-Origin-Resource-Policy", "same-origin");
    }

    /** Pages and fragments: never stored by a browser or proxy. Static assets are cacheable instead. */
    static HttpServerResponse noStore(HttpServerResponse res) {
        return apply(res).putHeader("Cache-Control", "no-store");
    }
}
