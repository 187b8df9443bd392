package dev.warrant.gateway.console;

import dev.warrant.gateway.admin.AdminApi;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.record.search.AuditEntry;
import dev.warrant.gateway.record.search.ClusterAuditPage;
import dev.warrant.gateway.record.search.AuditQueryParams;
import dev.warrant.gateway.record.search.AuditSearchApi;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The audit search (docs/ARCHITECTURE.md §12.5): the same query parameters as {@code GET /admin/audit}, as a GET
 * form (bookmarkable, works without JavaScript), answered by the same search (§8.2) newest first, paged by its
 * cursor. A bad filter shows its reason above the form.
 */
final class AuditPage {

    static final String PATH = "/console/audit";
    private static final List<String> FILTERS = List.of("caller", "chainMember", "task", "tool", "decision", "reason",
            "from", "to");

    private final ConsoleGuard guard;
    private final AuditSearchApi search;
    private final Optional<String> traceUrl;

    AuditPage(ConsoleGuard guard, AuditSearchApi search, Optional<String> traceUrl) {
        this.guard = guard;
        this.search = search;
        this.traceUrl = traceUrl;
    }

    void routes(Router router) {
        router.get(PATH).handler(this::page);
    }

    private void page(RoutingContext ctx) {
        MultiMap params = ctx.queryParams();
        guard.operator(ctx, AuditSearchApi.READ).compose(op -> {
            AuditQueryParams.ClusterQuery query;
            try {
                query = AuditQueryParams.parseCluster(params);
            } catch (WarrantException e) {
                return Future.succeededFuture(render(op, params, null, e.reason().code() + ": " + e.detail()));
            }
            // Every member's log: behind a load balancer an investigator cannot choose the member they reach.
            return search.searchCluster(query.query(), query.cursor()).map(page -> render(op, params, page, null))
                    .recover(e -> Future.succeededFuture(render(op, params, null,
                            WarrantException.wrap(e).reason().code() + ": " + WarrantException.wrap(e).detail())));
        }).onSuccess(html -> Responses.html(ctx, 200, html)).onFailure(e -> ConsoleErrors.send(ctx, e));
    }

    private String render(Operator op, MultiMap params, ClusterAuditPage page, String error) {
        boolean mayRevoke = guard.may(op.token(), AdminApi.REVOKE);
        StringBuilder body = new StringBuilder("<h1>Audit</h1>");
        if (error != null) {
            body.append("<div class=\"error\" role=\"alert\" id=\"audit-error\">").append(Html.text(error)).append("</div>");
        }
        body.append("<form class=\"audit-search\" method=\"get\" action=\"").append(PATH).append("\">");
        for (String f : FILTERS) {
            body.append("<label>").append(Html.text(label(f))).append(" <input type=\"search\" name=\"").append(f)
                    .append("\" value=\"").append(Html.text(params.get(f))).append("\"")
                    .append(f.equals("from") || f.equals("to") ? " placeholder=\"2026-12-04T21:00:00Z\"" : "")
                    .append(f.equals("decision") ? " placeholder=\"allow, deny, error\"" : "")
                    .append("></label>");
        }
        body.append("<button type=\"submit\">Search</button></form>");
        if (page != null) {
            for (ClusterAuditPage.Member m : page.unanswered()) {
                body.append("<div class=\"notice\" role=\"status\" id=\"audit-unanswered\">Member ")
                        .append(Html.text(m.address() == null ? m.id() : m.address()))
                        .append(m.address() == null ? " has left the cluster" : " did not answer in time")
                        .append(": its lines are missing here; the next page asks it again.</div>");
            }
            body.append("<table class=\"audit\" id=\"audit-results\">").append(AuditView.header()).append("<tbody>");
            for (AuditEntry e : page.lines()) {
                body.append(AuditView.row(e, mayRevoke, traceUrl));
            }
            body.append("</tbody></table>");
            if (page.lines().isEmpty()) {
                body.append("<p class=\"empty\" id=\"audit-empty\">").append(page.partial()
                        ? "Nothing yet in the part searched so far." : "No audit line matches.").append("</p>");
            }
            if (page.nextCursor() != null) {
                body.append("<p><a id=\"audit-next\" href=\"").append(Html.text(next(params, page.nextCursor().encode())))
                        .append("\">").append(page.partial() ? "Search further back" : "Older lines").append(" →</a></p>");
            }
        }
        return Layout.page("Audit", op, guard, ConsolePage.AUDIT, body.toString());
    }

    private static String next(MultiMap params, String cursor) {
        StringBuilder url = new StringBuilder(PATH).append("?cursor=").append(cursor);
        for (String f : FILTERS) {
            String v = params.get(f);
            if (v != null && !v.isEmpty()) {
                url.append('&').append(f).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        }
        return url.toString();
    }

    private static String label(String filter) {
        return switch (filter) {
            case "chainMember" -> "Chain member";
            case "from" -> "From (UTC)";
            case "to" -> "To (UTC)";
            default -> Character.toUpperCase(filter.charAt(0)) + filter.substring(1);
        };
    }
}
