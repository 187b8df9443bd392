package dev.warrant.gateway.console;

import dev.warrant.gateway.admin.AdminApi;
import dev.warrant.gateway.admin.RevocationRequest;
import dev.warrant.gateway.cluster.Revocation;
import dev.warrant.gateway.cluster.RevocationConfirmation;
import dev.warrant.gateway.errors.WarrantException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Revocation from the console (docs/ARCHITECTURE.md §12.5), in two steps: the confirmation page says what the
 * revocation would stop, counted on every member (the admin API's preview, §5.7), then the post revokes through the
 * cluster (§5.2) and the answer says which members confirmed, and when. Started from an audit line (an agent, a
 * task, a block of the token); the same checks as {@code POST /admin/revocations} decide what is valid.
 */
final class RevokePage {

    static final String PATH = "/console/revoke";
    /** The kinds the console offers, as the admin API's body names them. */
    private static final List<String> KINDS = List.of(RevocationRequest.REVOCATION_ID, RevocationRequest.AGENT,
            RevocationRequest.TASK);

    private final Vertx vertx;
    private final ConsoleGuard guard;
    private final ConsoleBackends backends;
    private final ConsoleAudit audit;
    private final RevocationRequest requests;

    RevokePage(Vertx vertx, ConsoleGuard guard, ConsoleBackends backends, ConsoleAudit audit, Clock clock,
               Duration maxTokenTtl) {
        this.vertx = vertx;
        this.guard = guard;
        this.backends = backends;
        this.audit = audit;
        this.requests = new RevocationRequest(clock, maxTokenTtl);
    }

    void routes(Router router, BodyHandler forms) {
        router.get(PATH).handler(this::confirm);
        router.post(PATH).handler(forms).handler(this::revoke);
    }

    /** What the revocation would stop, and the form that does it. Revokes nothing. */
    private void confirm(RoutingContext ctx) {
        guard.operator(ctx, AdminApi.REVOKE).compose(op -> {
            JsonObject body = body(ctx.queryParams()::get);
            Revocation r = requests.from(body);
            return backends.preview().preview(r).map(preview -> Layout.page("Revoke", op, guard, null,
                    confirmation(op, body, r, preview)));
        }).onSuccess(html -> Responses.html(ctx, 200, html)).onFailure(e -> ConsoleErrors.send(ctx, e));
    }

    private void revoke(RoutingContext ctx) {
        guard.change(ctx, AdminApi.REVOKE).compose(op -> {
            JsonObject body = body(ctx.request()::getFormAttribute);
            String reason = FormText.oneLine(ctx.request().getFormAttribute("reason"));
            if (reason != null) {
                body.put("reason", reason);
            }
            Revocation r = requests.from(body);
            // The cluster round trips wait for every member: never on the event loop.
            return vertx.executeBlocking(() -> backends.revocations().revoke(r), false)
                    .compose(confirmation -> audit.action(op, "revoke",
                                    r.kind().name().toLowerCase(Locale.ROOT) + ":" + r.subject(), "allow", "allowed",
                                    null)
                            .map(v -> Layout.page("Revoked", op, guard, null, result(r, confirmation))));
        }).onSuccess(html -> Responses.html(ctx, 200, html)).onFailure(e -> ConsoleErrors.send(ctx, e));
    }

    /** The admin API's body for the one kind given; several or none is the API's own refusal. */
    private static JsonObject body(java.util.function.Function<String, String> field) {
        JsonObject body = new JsonObject();
        for (String kind : KINDS) {
            String v = field.apply(kind);
            if (v != null) {
                body.put(kind, v);
            }
        }
        return body;
    }

    private static String confirmation(Operator op, JsonObject body, Revocation r, JsonObject preview) {
        String kind = body.fieldNames().iterator().next();
        String value = body.getString(kind);
        JsonObject stop = preview.getJsonObject("wouldStop");
        StringBuilder out = new StringBuilder("<h1>Revoke ").append(Html.text(describe(r))).append("?</h1>")
                .append("<p>Every token carrying it stops working on every member, and so does every token delegated"
                        + " from such a token, including ones attenuated offline.</p>")
                .append("<section id=\"would-stop\"><h2>This also stops, right now</h2><ul>")
                .append(item("sessions", stop.getValue("sessions"), "open session(s)"))
                .append(item("inFlightRequests", stop.getValue("inFlightRequests"), "request(s) in flight"))
                .append(item("heldCalls", stop.getValue("heldCalls"), "call(s) held for approval"))
                .append(item("parkedCalls", stop.getValue("parkedCalls"), "call(s) waiting for the agent's input"))
                .append(item("liveTasks", stop.getValue("liveTasks"), "running task(s)"))
                .append(item("tokensSeen", stop.getValue("tokensSeen"), "distinct token(s) seen recently that it covers"))
                .append("</ul>");
        if (!preview.getBoolean("complete", false)) {
            out.append("<p class=\"error\">Counted on ").append(preview.getInteger("answered")).append(" of ")
                    .append(preview.getInteger("asked")).append(" members: the others did not answer in time.</p>");
        }
        JsonArray notes = preview.getJsonArray("notes", new JsonArray());
        for (Object note : notes) {
            out.append("<p class=\"notice\">").append(Html.text(note)).append("</p>");
        }
        out.append("</section><form method=\"post\" action=\"").append(PATH).append("\" class=\"revoke\">")
                .append(Html.csrfField(op.csrf()))
                .append("<input type=\"hidden\" name=\"").append(Html.text(kind)).append("\" value=\"")
                .append(Html.text(value)).append("\">")
                .append("<input type=\"text\" name=\"reason\" maxlength=\"500\" placeholder=\"Reason (recorded)\""
                        + " aria-label=\"Reason\">")
                .append("<button type=\"submit\" class=\"danger\" id=\"revoke\">Revoke</button> ")
                .append("<a href=\"").append(AuditPage.PATH).append("\">Cancel</a></form>");
        return out.toString();
    }

    private static String result(Revocation r, RevocationConfirmation confirmation) {
        return "<h1>Revoked</h1><p class=\"notice\" role=\"status\" id=\"revoked\">Revoked "
                + Html.text(describe(r)) + ". Confirmed by "
                + confirmation.confirmedBy().size() + " of " + confirmation.live() + " member(s) at "
                + Html.text(confirmation.confirmedAt()) + ": every member now refuses it.</p>"
                + "<p><a href=\"" + AuditPage.PATH + "\">Back to the audit log</a></p>";
    }

    private static String describe(Revocation r) {
        return switch (r.kind()) {
            case ID -> "token block " + r.subject();
            case AGENT -> "agent " + r.subject();
            case TASK -> "task " + r.subject();
            default -> r.kind().name().toLowerCase(Locale.ROOT) + " " + AdminApi.shown(r);
        };
    }

    private static String item(String id, Object count, String what) {
        return "<li id=\"stop-" + id + "\"><strong>" + Html.text(count == null ? "?" : count) + "</strong> "
                + Html.text(what) + "</li>";
    }
}
