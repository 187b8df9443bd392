package dev.warrant.gateway.console;

import dev.warrant.gateway.admin.AdminRefusal;
import dev.warrant.gateway.admin.OperatorApi;
import dev.warrant.gateway.admin.TokenInspection;
import dev.warrant.gateway.errors.WarrantException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The token inspector (docs/ARCHITECTURE.md §12.4): paste a token, read what {@code warrant inspect} says about
 * it and whether this gateway accepts it. The pasted token lives for the length of one request: it is not stored,
 * logged, audited or written into the answer (the form comes back empty). A plain form post is answered with the
 * whole page; htmx swaps the inspector section (form and result) in place.
 */
final class InspectPage {

    static final String PATH = ConsolePage.INSPECT.path();
    static final String TOKEN_FIELD = "token";
    static final String SECTION_ID = "inspector";

    private final Vertx vertx;
    private final ConsoleGuard guard;
    private final TokenInspection inspection;
    private final ConsoleAudit audit;

    InspectPage(Vertx vertx, ConsoleGuard guard, TokenInspection inspection, ConsoleAudit audit) {
        this.vertx = vertx;
        this.guard = guard;
        this.inspection = inspection;
        this.audit = audit;
    }

    void routes(Router router, BodyHandler forms) {
        router.get(PATH).handler(this::page);
        router.post(PATH).handler(forms).handler(this::inspect);
    }

    private void page(RoutingContext ctx) {
        guard.operator(ctx, OperatorApi.INSPECT)
                .onSuccess(op -> Responses.html(ctx, 200, render(ctx, op, "")))
                .onFailure(e -> ConsoleErrors.send(ctx, e));
    }

    private void inspect(RoutingContext ctx) {
        guard.change(ctx, OperatorApi.INSPECT).onSuccess(op -> {
            String typed = ctx.request().getFormAttribute(TOKEN_FIELD);
            String token = typed == null ? "" : typed.strip();
            if (token.isEmpty()) {
                answer(ctx, op, 400, InspectionView.refused(ConsoleReason.REQUEST_INVALID.code(), "paste a token"));
                return;
            }
            // Signature checks are blocking: a worker, never the event loop.
            Future<JsonObject> explained = vertx.executeBlocking(() -> inspection.inspect(token), false);
            explained.onComplete(ar -> {
                if (ar.succeeded()) {
                    // The action is audited; the token is not (its revocation ids name it well enough).
                    audit.action(op, "inspect", ar.result().getJsonArray("revocationIds").encode(),
                            "allow", "allowed", null)
                            .onComplete(written -> answer(ctx, op, 200, InspectionView.html(ar.result())));
                } else if (ar.cause() instanceof AdminRefusal refusal) {
                    answer(ctx, op, refusal.reason().httpStatus(),
                            InspectionView.refused(refusal.reason().code(), refusal.getMessage()));
                } else if (ar.cause() instanceof WarrantException e && e.reason().adminStatus() != 500) {
                    answer(ctx, op, e.reason().adminStatus(), InspectionView.refused(e.reason().code(), e.detail()));
                } else {
                    ConsoleErrors.send(ctx, ar.cause());
                }
            });
        }).onFailure(e -> ConsoleErrors.send(ctx, e));
    }

    private void answer(RoutingContext ctx, Operator op, int status, String result) {
        Responses.html(ctx, status, render(ctx, op, result));
    }

    /** The whole page, or for htmx only the inspector section. */
    private String render(RoutingContext ctx, Operator op, String result) {
        String section = section(op, result);
        return ConsoleErrors.isHtmx(ctx) ? section : Layout.page("Token inspector", op, guard, ConsolePage.INSPECT,
                "<h1>Token inspector</h1><p>Paste a Warrant token to see its delegation chain, what each block"
                        + " narrows and whether this gateway accepts it. The token is not kept.</p>" + section);
    }

    /** The form, always empty (the token is never written back), and the result of the last inspection. */
    private static String section(Operator op, String result) {
        return "<section id=\"" + SECTION_ID + "\"><form class=\"inspect\" method=\"post\" action=\"" + PATH
                + "\" hx-post=\"" + PATH + "\" hx-target=\"#" + SECTION_ID + "\" hx-swap=\"outerHTML\">"
                + Html.csrfField(op.csrf())
                + "<label for=\"inspect-token\">Token</label>"
                + "<textarea id=\"inspect-token\" name=\"" + TOKEN_FIELD + "\" rows=\"4\" cols=\"80\""
                + " autocomplete=\"off\" spellcheck=\"false\" autocapitalize=\"off\" required></textarea>"
                + "<button type=\"submit\" id=\"inspect\">Inspect</button></form>"
                + "<div id=\"inspection\" aria-live=\"polite\">" + result + "</div></section>";
    }
}
