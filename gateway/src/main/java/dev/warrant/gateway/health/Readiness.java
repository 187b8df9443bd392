package dev.warrant.gateway.health;

import dev.warrant.adapters.Upstream;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Whether this member should be sent requests ({@code /readyz}): it is in its cluster, and each static upstream of
 * its config has connected at least once (one that restarts later does not take the member out: every member shares
 * it), and it is not stopping. Policies and keys are loaded before the port opens, so they need no check here.
 * {@code /healthz} only says the process answers.
 */
public final class Readiness {

    private final BooleanSupplier inCluster;
    private final List<String> staticUpstreams;
    private final Function<String, Upstream> upstreams;
    private final Set<String> connected = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    public Readiness(BooleanSupplier inCluster, List<String> staticUpstreams, Function<String, Upstream> upstreams) {
        this.inCluster = inCluster;
        this.staticUpstreams = List.copyOf(staticUpstreams);
        this.upstreams = upstreams;
    }

    /** The member is stopping: not ready from now on. */
    public void stopping() {
        stopping = true;
    }

    /** @return what the member still waits for; empty when ready */
    public JsonArray waitingFor() {
        JsonArray waiting = new JsonArray();
        if (stopping) {
            waiting.add("stopping");
            return waiting;
        }
        if (!inCluster.getAsBoolean()) {
            waiting.add("cluster");
        }
        for (String name : staticUpstreams) {
            if (!connected.contains(name)) {
                Upstream upstream = upstreams.apply(name);
                if (upstream != null && upstream.isOpen()) {
                    connected.add(name);
                } else {
                    waiting.add("upstream:" + name);
                }
            }
        }
        return waiting;
    }

    /** The body of {@code /readyz}: {@code {"ready": true}} or what it waits for. */
    public JsonObject status() {
        JsonArray waiting = waitingFor();
        JsonObject status = new JsonObject().put("ready", waiting.isEmpty());
        return waiting.isEmpty() ? status : status.put("waitingFor", waiting);
    }
}
