package dev.warrant.gateway.tasks;

import dev.warrant.adapters.Upstream;
import dev.warrant.gateway.upstream.UpstreamRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Sends {@code tasks/cancel} for a task the gateway ends on its own (its token was revoked, or the upstream created
 * it for a caller that cannot poll it). Fire and forget: cancellation is cooperative in the revision, and the
 * agent's side is already closed (its token no longer authenticates, or it never got the handle).
 */
public final class UpstreamCancel implements LiveTasks.Canceller {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamCancel.class);

    private final UpstreamRegistry upstreams;

    public UpstreamCancel(UpstreamRegistry upstreams) {
        this.upstreams = upstreams;
    }

    @Override
    public void cancel(String server, String upstreamTaskId) {
        Upstream upstream = upstreams.upstream(server);
        if (upstream == null || !upstream.isOpen()) {
            LOG.warn("task on upstream {} not cancelled: the upstream is not connected", server);
            return;
        }
        upstream.call("tasks/cancel", TaskCapability.declared(Map.of("taskId", upstreamTaskId)), null)
                .result().whenComplete((result, failure) -> {
                    if (failure != null) {
                        LOG.warn("tasks/cancel to upstream {} failed: {}", server, failure.toString());
                    }
                });
    }
}
