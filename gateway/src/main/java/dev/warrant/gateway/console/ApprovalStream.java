package dev.warrant.gateway.console;

import dev.warrant.gateway.approval.ApprovalApi;
import dev.warrant.gateway.approval.ClusterApprovals;
import dev.warrant.gateway.approval.PendingApproval;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One browser's live approvals list, as server-sent events (docs/ARCHITECTURE.md §12.3):
 * <ul>
 *   <li>{@code approval}: the HTML of a held call the browser has not been sent yet</li>
 *   <li>{@code pending}: the ids pending now, space-separated; any other shown held call is gone</li>
 *   <li>{@code ended}: the sign-in is over (signed out, expired, idle, its token revoked or its right gone); the
 *   stream closes and the page reloads, which leads to the sign-in form</li>
 * </ul>
 * On connect and on every change the cluster reports ({@link ClusterApprovals#onChange}) it checks the operator's
 * token again, reads the pending list and sends the difference, so a missed or doubled event cannot show a wrong
 * list, and a revoked operator is sent no held call. Reads never overlap: a change during a read asks for one more
 * read after it. Every {@value #HEARTBEAT_MILLIS} ms a comment keeps proxies from closing the stream, finds a
 * closed browser, and the token is checked again, as it is at once when a revocation reaches this member
 * ({@link OpenStreams}); the sign-in's end on any member ends the stream at once.
 *
 * <p>Concurrency: everything runs on the request's context (change and end events are delivered on it).
 */
final class ApprovalStream {

    static final long HEARTBEAT_MILLIS = 15_000;
    private static final Logger LOG = LoggerFactory.getLogger(ApprovalStream.class);

    private final Vertx vertx;
    private final ClusterApprovals approvals;
    private final ConsoleGuard guard;
    private final RoutingContext ctx;
    private final HttpServerResponse response;
    private final OpenStreams streams;
    private final Set<String> sent = new HashSet<>();
    private Context context;
    private Operator operator;
    private ClusterApprovals.Subscription subscription;
    private long heartbeat = -1;
    private Runnable unwatch;
    private boolean reading;
    private boolean again;
    private boolean closed;

    ApprovalStream(Vertx vertx, ClusterApprovals approvals, ConsoleGuard guard, RoutingContext ctx, Operator operator,
                   OpenStreams streams) {
        this.vertx = vertx;
        this.streams = streams;
        this.approvals = approvals;
        this.guard = guard;
        this.ctx = ctx;
        this.response = ctx.response();
        this.operator = operator;
    }

    void start() {
        SecurityHeaders.noStore(response).setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .putHeader("X-Accel-Buffering", "no");
        response.write(": warrant approvals\n\n");
        context = vertx.getOrCreateContext();
        subscription = approvals.onChange(event -> refresh());
        streams.add(this);
        heartbeat = vertx.setPeriodic(HEARTBEAT_MILLIS, id -> checked(() -> response.write(": keep-alive\n\n")));
        response.closeHandler(v -> stop());
        String signedOut = ConsoleReason.SIGNED_OUT.code();
        guard.sessions().onEnd(operator.cookie(), () -> context.runOnContext(v -> end(signedOut)))
                .onComplete(ar -> {
                    if (ar.failed()) {
                        // Fail closed: no stream whose sign-in's end nobody would notice. The page reloads, asks again.
                        LOG.warn("cannot watch a console sign-in, its approvals stream ends: {}",
                                ar.cause().toString());
                        end(signedOut);
                    } else if (closed) {
                        ar.result().run();
                    } else {
                        unwatch = ar.result();
                    }
                });
        refresh();
    }

    private void refresh() {
        if (closed) {
            return;
        }
        if (reading) {
            again = true;
            return;
        }
        reading = true;
        checked(() -> approvals.pending().onComplete(ar -> {
            reading = false;
            if (ar.succeeded() && !closed) {
                send(ar.result());
            }
            if (again) {
                again = false;
                refresh();
            }
        }));
    }

    /** From any thread: check the operator's token now (a revocation is new), on this stream's context. */
    void recheck() {
        context.runOnContext(v -> {
            if (!closed) {
                checked(() -> { });
            }
        });
    }

    /** Runs {@code then} once the operator's token still holds the right to see held calls; else ends. */
    private void checked(Runnable then) {
        guard.stillSignedIn(ctx, operator, ApprovalApi.READ).onComplete(ar -> {
            if (closed) {
                return;
            }
            if (ar.failed()) {
                end(ConsoleErrors.code(ar.cause()));
                return;
            }
            operator = ar.result();
            then.run();
        });
    }

    private void send(List<PendingApproval> pending) {
        Map<String, PendingApproval> now = new LinkedHashMap<>();
        pending.forEach(p -> now.put(p.id(), p));
        boolean mayDecide = guard.may(operator.token(), ApprovalApi.WRITE);
        StringBuilder events = new StringBuilder();
        for (PendingApproval p : now.values()) {
            if (sent.add(p.id())) {
                events.append(event("approval", ApprovalView.html(p, operator.csrf(), mayDecide)));
            }
        }
        sent.retainAll(now.keySet());
        events.append(event("pending", now.keySet().stream().collect(Collectors.joining(" "))));
        response.write(events.toString());
    }

    private void end(String why) {
        if (closed) {
            return;
        }
        response.end(event("ended", why));
        stop();
    }

    private void stop() {
        closed = true;
        streams.remove(this);
        if (subscription != null) {
            subscription.close();
        }
        vertx.cancelTimer(heartbeat);
        if (unwatch != null) {
            unwatch.run();
            unwatch = null;
        }
    }

    /** One SSE event; a payload spanning lines becomes one {@code data:} line each, as the format requires. */
    static String event(String name, String data) {
        StringBuilder out = new StringBuilder("event: ").append(name).append('\n');
        for (String line : data.split("\r\n|\r|\n", -1)) {
            out.append("data: ").append(line).append('\n');
        }
        return out.append('\n').toString();
    }
}
