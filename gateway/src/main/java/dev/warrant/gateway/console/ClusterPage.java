package dev.warrant.gateway.console;

import dev.warrant.gateway.admin.AdminApi;
import dev.warrant.gateway.admin.GatewayStatus;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The cluster and its upstreams (docs/ARCHITECTURE.md §12.4): the status {@code GET /admin/status} answers
 * ({@link GatewayStatus}, gathered from every member within a bounded wait), rendered by {@link ClusterView}.
 * Refreshed on demand: a plain link reloads the page; with htmx it replaces only the status section.
 */
final class ClusterPage {

    static final String PATH = ConsolePage.CLUSTER.path();

    private final ConsoleGuard guard;
    private final GatewayStatus status;

    ClusterPage(ConsoleGuard guard, GatewayStatus status) {
        this.guard = guard;
        this.status = status;
    }

    void routes(Router router) {
        router.get(PATH).handler(this::page);
    }

    private void page(RoutingContext ctx) {
        guard.operator(ctx, AdminApi.CLUSTER_READ).compose(op -> status.status().map(json -> {
            String section = ClusterView.html(json);
            return ConsoleErrors.isHtmx(ctx) ? section : Layout.page("Cluster", op, guard, ConsolePage.CLUSTER,
                    "<h1>Cluster and upstreams</h1>" + section);
        })).onSuccess(html -> Responses.html(ctx, 200, html)).onFailure(e -> ConsoleErrors.send(ctx, e));
    }
}
