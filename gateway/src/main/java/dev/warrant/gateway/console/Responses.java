package dev.warrant.gateway.console;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/** Console answers: HTML with the security headers, and redirects after a form post (post/redirect/get). */
final class Responses {

    private Responses() {
    }

    static void html(RoutingContext ctx, int status, String html) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        SecurityHeaders.noStore(ctx.response()).setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8").end(html);
    }

    static void redirect(RoutingContext ctx, String location) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        SecurityHeaders.noStore(ctx.response()).setStatusCode(303).putHeader(HttpHeaders.LOCATION, location).end();
    }
}
