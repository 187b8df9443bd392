package dev.warrant.gateway.console;

import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a console request fails: a page (or, for htmx, a fragment) naming the stable reason code, never a stack
 * trace. A signed-out page load goes to the sign-in form instead; an htmx request is told to go there.
 */
final class ConsoleErrors {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleErrors.class);

    private ConsoleErrors() {
    }

    static void send(RoutingContext ctx, Throwable cause) {
        send(ctx, cause, 0);
    }

    /** As {@link #send(RoutingContext, Throwable)}, answered with {@code status} when it is not 0. */
    private static void send(RoutingContext ctx, Throwable cause, int statusOverride) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        int status;
        String code;
        String message;
        if (cause instanceof ConsoleRefusal refusal) {
            status = refusal.reason().httpStatus();
            code = refusal.reason().code();
            message = refusal.getMessage();
            if (refusal.reason() == ConsoleReason.SIGNED_OUT) {
                if (isHtmx(ctx)) {
                    ctx.response().putHeader("HX-Redirect", "/console/login");
                } else if (ctx.request().method().name().equals("GET")) {
                    Responses.redirect(ctx, "/console/login");
                    return;
                }
            }
        } else if (cause instanceof WarrantException e) {
            status = e.reason().adminStatus();
            code = e.reason().code();
            message = status == 500 ? "internal error" : e.detail();
        } else {
            LOG.error("console request {} {} failed", ctx.request().method(), ctx.request().path(), cause);
            status = 500;
            code = Reason.INTERNAL.code();
            message = "internal error";
        }
        if (statusOverride != 0) {
            status = statusOverride;
        }
        String body = "<div class=\"error\" role=\"alert\" data-reason=\"" + Html.text(code) + "\"><strong>"
                + Html.text(code) + "</strong> " + Html.text(message == null ? "" : message) + "</div>";
        Responses.html(ctx, status, isHtmx(ctx) ? body : Layout.bare("Refused", body
                + "<p><a href=\"/console/\">Back to the console</a></p>"));
    }

    /** The stable reason code of a console failure: the console's own, else Warrant's ({@code internal_error}). */
    static String code(Throwable cause) {
        return cause instanceof ConsoleRefusal r ? r.reason().code() : WarrantException.wrap(cause).reason().code();
    }

    static boolean isHtmx(RoutingContext ctx) {
        return ctx.request().getHeader("HX-Request") != null;
    }

    /** vertx-web's own refusals on console routes (body too large, bad form encoding) as console pages. */
    static void routeFailure(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (failure == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
            // Keep vertx-web's status (413 for a body over the limit) with the console's reason code.
            send(ctx, new ConsoleRefusal(ConsoleReason.REQUEST_INVALID, "the request could not be read (HTTP "
                    + ctx.statusCode() + ")"), ctx.statusCode());
            return;
        }
        send(ctx, failure == null ? new IllegalStateException("status " + ctx.statusCode()) : failure);
    }
}
