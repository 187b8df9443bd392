package dev.warrant.gateway.admin;

import dev.warrant.adapters.HttpUpstreamSpec;
import dev.warrant.adapters.StdioUpstreamSpec;
import dev.warrant.adapters.Upstream;
import dev.warrant.adapters.UpstreamHealth;
import dev.warrant.gateway.approval.ClusterApprovals;
import dev.warrant.gateway.cluster.MemberViews;
import dev.warrant.gateway.health.Readiness;
import dev.warrant.gateway.policy.PolicyReloader;
import dev.warrant.gateway.transport.SessionRegistry;
import dev.warrant.gateway.upstream.ToolEntry;
import dev.warrant.gateway.upstream.UpstreamRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The cluster and upstreams status ({@code GET /admin/status}; docs/ARCHITECTURE.md §5.8): every member's own
 * view (ready or what it waits for, its upstreams with their health and tools, the policy set in force and the
 * last refused change, the identity mapping's last error, its open sessions), gathered within a bounded wait,
 * plus the held calls pending in the cluster. A member that does not answer in time is listed as not answered.
 */
public final class GatewayStatus {

    /** The view's name in {@link MemberViews}. */
    public static final String VIEW = "status";

    private final Vertx vertx;
    private final MemberViews members;
    private final ClusterApprovals approvals;
    private final Duration wait;
    private final Local local;

    /**
     * This member's own parts.
     *
     * @param configured      the upstreams of the config file (one that never connected is reported failed)
     * @param policies        the policy reloader's status; empty when no policy directory is configured
     * @param identityMapping the identity mapping's last error; null when identity is not configured
     */
    public record Local(Readiness readiness, UpstreamRegistry upstreams, List<String> configured,
                        Supplier<Optional<PolicyReloader.Status>> policies,
                        Supplier<Optional<String>> identityMapping, SessionRegistry sessions) {
    }

    public GatewayStatus(Vertx vertx, MemberViews members, ClusterApprovals approvals, Duration wait, Local local) {
        this.vertx = vertx;
        this.members = members;
        this.approvals = approvals;
        this.wait = wait;
        this.local = local;
    }

    /**
     * {@code {"members": [{id, address, self, answered, ready, waitingFor, upstreams, policies, identity,
     * sessions}], "approvalsPending": n, "complete": bool}}: see docs/ARCHITECTURE.md §5.8.
     */
    public Future<JsonObject> status() {
        Future<List<MemberViews.Answer>> views = vertx.executeBlocking(() -> members.ask(VIEW, "", wait), false);
        Future<Integer> pending = approvals.pending().map(List::size);
        return Future.all(views, pending).map(done -> {
            JsonArray list = new JsonArray();
            int answered = 0;
            for (MemberViews.Answer a : views.result()) {
                JsonObject member = a.json().map(JsonObject::new).orElseGet(JsonObject::new);
                member.put("id", a.memberId()).put("address", a.address()).put("self", a.self())
                        .put("answered", a.answered());
                answered += a.answered() ? 1 : 0;
                list.add(member);
            }
            return new JsonObject().put("members", list).put("complete", answered == list.size())
                    .put("approvalsPending", pending.result());
        });
    }

    /** This member's view (the {@link #VIEW} answer). */
    public JsonObject localView() {
        JsonObject ready = local.readiness().status();
        JsonObject view = new JsonObject().put("ready", ready.getBoolean("ready"))
                .put("waitingFor", ready.getJsonArray("waitingFor", new JsonArray()))
                .put("upstreams", upstreams())
                .put("sessions", local.sessions().size());
        view.put("policies", local.policies().get().map(GatewayStatus::policies)
                .orElse(new JsonObject().put("source", "defaults").put("version", 1)));
        Optional<String> mappingError = local.identityMapping() == null ? null : local.identityMapping().get();
        if (mappingError != null) {
            view.put("identity", new JsonObject().put("mappingLastError", mappingError.orElse(null)));
        }
        return view;
    }

    private JsonArray upstreams() {
        TreeSet<String> names = new TreeSet<>(local.upstreams().names());
        names.addAll(local.configured());
        List<ToolEntry> tools = new ArrayList<>(local.upstreams().catalog().all());
        JsonArray list = new JsonArray();
        for (String name : names) {
            Upstream upstream = local.upstreams().upstream(name);
            JsonObject u = new JsonObject().put("name", name);
            if (upstream == null) {
                // Configured, but its first connection failed: it is not supervised, nothing restarts it.
                list.add(u.put("state", "failed").put("lastError", "never connected").put("tools", 0)
                        .put("toolNames", new JsonArray()));
                continue;
            }
            UpstreamHealth health = upstream.health();
            JsonArray toolNames = new JsonArray();
            tools.stream().filter(t -> t.server().equals(name)).map(ToolEntry::name).sorted().forEach(toolNames::add);
            list.add(u.put("transport", transport(upstream))
                    .put("state", health.state().name().toLowerCase(Locale.ROOT))
                    .put("lastError", health.lastError().orElse(null))
                    .put("lastErrorAt", health.lastErrorAt().map(Object::toString).orElse(null))
                    .put("tools", toolNames.size()).put("toolNames", toolNames));
        }
        return list;
    }

    private static String transport(Upstream upstream) {
        if (upstream.spec() instanceof StdioUpstreamSpec) {
            return "stdio";
        }
        return upstream.spec() instanceof HttpUpstreamSpec ? "http" : "sse";
    }

    static JsonObject policies(PolicyReloader.Status s) {
        JsonObject json = new JsonObject().put("source", "directory").put("directory", s.dir().toString())
                .put("version", s.version()).put("sha256", s.sha256()).put("loadedAt", s.loadedAt().toString())
                .put("files", new JsonArray(s.files())).put("lastError", s.lastError().orElse(null));
        s.lastRefusal().ifPresent(r -> json.put("lastRefused", new JsonObject()
                .put("file", r.file().orElse(null)).put("line", r.line().orElse(null))
                .put("location", r.file().map(f -> f + r.line().map(l -> ":" + l).orElse("")).orElse(null))
                .put("message", r.message()).put("refusedAt", r.at().toString())));
        return json;
    }
}
