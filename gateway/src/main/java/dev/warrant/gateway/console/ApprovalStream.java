package dev.warrant.gateway.console;

import dev.warrant.gateway.approval.ClusterApprovals;
import dev.warrant.gateway.approval.PendingApproval;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One browser's live approvals list, as server-sent events (docs/ARCHITECTURE.md §12.3):
 * <ul>
 *   <li>{@code approval}: the HTML of a held call the browser has not been sent yet</li>
 *   <li>{@code pending}: the ids pending now, space-separated; any other shown held call is gone</li>
 * </ul>
 * On connect and on every change the cluster reports ({@link ClusterApprovals#onChange}) it reads the pending list
 * again and sends the difference, so a missed or doubled event cannot show a wrong list. Reads never overlap: a
 * change during a read asks for one more read after it. A comment every
 * {@value #HEARTBEAT_MILLIS} ms keeps proxies from closing the stream and finds a closed browser.
 *
 * <p>Concurrency: everything runs on the request's context (change events are delivered on it).
 */
final class ApprovalStream {

    static final long HEARTBEAT_MILLIS = 15_000;

    private final Vertx vertx;
    private final ClusterApprovals approvals;
    private final HttpServerResponse response;
    private final Operator operator;
    private final boolean mayDecide;
    private final Set<String> sent = new HashSet<>();
    private boolean reading;
    private boolean again;
    private boolean closed;

    ApprovalStream(Vertx vertx, ClusterApprovals approvals, HttpServerResponse response, Operator operator,
                   boolean mayDecide) {
        this.vertx = vertx;
        this.approvals = approvals;
        this.response = response;
        this.operator = operator;
        this.mayDecide = mayDecide;
    }

    void start() {
        SecurityHeaders.noStore(response).setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .putHeader("X-Accel-Buffering", "no");
        response.write(": warrant approvals\n\n");
        ClusterApprovals.Subscription subscription = approvals.onChange(event -> refresh());
        long heartbeat = vertx.setPeriodic(HEARTBEAT_MILLIS, id -> {
            if (!closed) {
                response.write(": keep-alive\n\n");
            }
        });
        response.closeHandler(v -> {
            closed = true;
            subscription.close();
            vertx.cancelTimer(heartbeat);
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
        approvals.pending().onComplete(ar -> {
            reading = false;
            if (ar.succeeded() && !closed) {
                send(ar.result());
            }
            if (again) {
                again = false;
                refresh();
            }
        });
    }

    private void send(java.util.List<PendingApproval> pending) {
        Map<String, PendingApproval> now = new LinkedHashMap<>();
        pending.forEach(p -> now.put(p.id(), p));
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

    /** One SSE event; a payload spanning lines becomes one {@code data:} line each, as the format requires. */
    static String event(String name, String data) {
        StringBuilder out = new StringBuilder("event: ").append(name).append('\n');
        for (String line : data.split("\r\n|\r|\n", -1)) {
            out.append("data: ").append(line).append('\n');
        }
        return out.append('\n').toString();
    }
}
