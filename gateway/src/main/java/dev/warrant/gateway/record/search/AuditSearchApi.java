package dev.warrant.gateway.record.search;

import dev.warrant.gateway.admin.AdminAccess;
import dev.warrant.gateway.admin.AdminErrors;
import dev.warrant.gateway.auth.Authenticator;
import dev.warrant.gateway.cluster.MemberViews;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.policies.PolicyEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /admin/audit} (right {@value #READ}): one page of an audit search on this member's log
 * (docs/ARCHITECTURE.md §8.2), {@code {"lines": [...], "nextCursor": ..., "partial": ...}}; with
 * {@code scope=cluster}, on every member's log ({@link ClusterAuditSearch}), the page also naming the members asked.
 * Searches run on one
 * thread of their own with a short queue, never an event loop: a search reads files, and one thread holds at
 * most one core of the two a small member has while agents' calls keep the rest. A full queue is 503
 * {@code audit_search_busy}.
 */
public final class AuditSearchApi implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditSearchApi.class);
    public static final String READ = "audit.read";
    /** Pages waiting for the search thread; each takes at most the budget's time, so the wait stays seconds. */
    static final int QUEUE = 8;

    private final Vertx vertx;
    private final AdminAccess access;
    private final AuditSearch search;
    private final ClusterAuditSearch cluster;
    private final ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(QUEUE), r -> {
                Thread t = new Thread(r, "warrant-audit-search");
                t.setDaemon(true);
                return t;
            });

    /** This member's log only: no cluster-wide search (tests of the search thread). */
    public AuditSearchApi(Vertx vertx, Authenticator authenticator, PolicyEngine engine, Path auditFile,
                          SearchBudget budget) {
        this(vertx, authenticator, engine, auditFile, budget, null);
    }

    /** @param views how this member asks the others for their part of a cluster-wide search, and answers them */
    public AuditSearchApi(Vertx vertx, Authenticator authenticator, PolicyEngine engine, Path auditFile,
                          SearchBudget budget, MemberViews views) {
        this.vertx = vertx;
        this.access = new AdminAccess(authenticator, engine);
        this.search = new AuditSearch(auditFile, budget);
        this.cluster = views == null ? null : new ClusterAuditSearch(views, search, budget);
    }

    public void routes(Router router) {
        router.get("/admin/audit").handler(this::handle);
    }

    /**
     * One page of {@code query}, searched on the search thread and completed on the caller's context: what a
     * console page calls once it has checked the admin's right. Fails with {@code audit_cursor_invalid},
     * {@code audit_search_busy}, or the file's I/O error.
     */
    public Future<AuditPage> search(AuditQuery query) {
        return onSearchThread(() -> search.search(query));
    }

    /**
     * One page of a search over every member's log ({@link ClusterAuditSearch}), on the search thread like
     * {@link #search}; {@code cursor} null for the first page.
     */
    public Future<ClusterAuditPage> searchCluster(AuditQuery query, ClusterCursor cursor) {
        if (cluster == null) {
            return Future.failedFuture(AuditQuery.invalid("this member searches its own log only"));
        }
        return onSearchThread(() -> cluster.search(query, cursor));
    }

    private <T> Future<T> onSearchThread(java.util.function.Supplier<T> work) {
        CompletableFuture<T> page;
        try {
            page = CompletableFuture.supplyAsync(work, executor);
        } catch (RejectedExecutionException e) {
            return Future.failedFuture(WarrantException.of(Reason.AUDIT_SEARCH_BUSY, "audit searches are queued; retry"));
        }
        return Future.fromCompletionStage(page, vertx.getOrCreateContext())
                .recover(e -> Future.failedFuture(e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                        ? e.getCause() : e));
    }

    private void handle(RoutingContext ctx) {
        access.authorize(ctx, READ)
                .compose(admin -> {
                    if (AuditQueryParams.cluster(ctx.queryParams())) {
                        AuditQueryParams.ClusterQuery q = AuditQueryParams.parseCluster(ctx.queryParams());
                        return searchCluster(q.query(), q.cursor()).map(ClusterAuditPage::toJson);
                    }
                    return search(AuditQueryParams.parse(ctx.queryParams())).map(AuditPage::toJson);
                })
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        AdminAccess.json(ctx.response(), 200, ar.result());
                    } else {
                        AdminErrors.send(ctx.response(), ar.cause(), LOG);
                    }
                });
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
