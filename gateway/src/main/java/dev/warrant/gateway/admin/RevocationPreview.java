package dev.warrant.gateway.admin;

import dev.warrant.gateway.approval.ClusterApprovals;
import dev.warrant.gateway.approval.PendingApproval;
import dev.warrant.gateway.cluster.MemberViews;
import dev.warrant.gateway.cluster.Revocation;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a revocation would stop, counted across the cluster, without revoking anything
 * ({@code POST /admin/revocations/preview}; docs/ARCHITECTURE.md §5.7): every member counts its own sessions,
 * requests in flight, parked calls, live tasks and recently seen tokens ({@link RevocationReach}) within a
 * bounded wait, and held calls are read once from the cluster's approvals map. A member that does not answer in
 * time is listed with {@code answered: false} and the totals say {@code complete: false}.
 */
public final class RevocationPreview {

    /** How long the preview waits for the members' counts: an operator is waiting, and a count is not a promise. */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(2);
    static final String TOKENS_NOTE = "tokensSeen counts distinct tokens covered by this revocation that a member "
            + "verified recently; tokens attenuated offline and never presented to the gateway cannot be counted";
    static final String AGENT_HELD_NOTE = "held calls do not record when their token was issued: every held call "
            + "whose chain names the agent is counted";
    static final String IDENTITY_HELD_NOTE = "held calls do not record the IdP identity: they are counted through "
            + "the sessions and requests that hold them, not here";

    private final Vertx vertx;
    private final MemberViews members;
    private final ClusterApprovals approvals;
    private final Duration wait;

    public RevocationPreview(Vertx vertx, MemberViews members, ClusterApprovals approvals, Duration wait) {
        this.vertx = vertx;
        this.members = members;
        this.approvals = approvals;
        this.wait = wait;
    }

    /**
     * The preview's answer (see docs/ARCHITECTURE.md §5.7 for its fields). Never fails for a slow member; fails
     * only when the approvals map cannot be read.
     */
    public Future<JsonObject> preview(Revocation revocation) {
        Future<List<MemberViews.Answer>> counted = vertx.executeBlocking(
                () -> members.ask(RevocationReach.VIEW, revocation, wait), false);
        Future<List<PendingApproval>> held = approvals.pending();
        return Future.all(counted, held).map(done -> answer(revocation, counted.result(), held.result()));
    }

    private static JsonObject answer(Revocation r, List<MemberViews.Answer> answers, List<PendingApproval> held) {
        JsonArray perMember = new JsonArray();
        Set<String> sessions = new HashSet<>();
        Set<String> tokens = new HashSet<>();
        int inFlight = 0;
        int parked = 0;
        int tasks = 0;
        int answered = 0;
        boolean truncated = false;
        for (MemberViews.Answer a : answers) {
            JsonObject member = new JsonObject().put("id", a.memberId()).put("address", a.address())
                    .put("self", a.self()).put("answered", a.answered());
            if (a.answered()) {
                answered++;
                JsonObject c = new JsonObject(a.json().get());
                c.getJsonArray("sessionKeys").forEach(k -> sessions.add((String) k));
                c.getJsonArray("tokenKeys").forEach(k -> tokens.add((String) k));
                inFlight += c.getInteger("inFlightRequests");
                parked += c.getInteger("parkedCalls");
                tasks += c.getInteger("liveTasks");
                truncated |= c.getBoolean("truncated");
                for (String field : List.of("sessions", "inFlightRequests", "parkedCalls", "liveTasks", "tokensSeen")) {
                    member.put(field, c.getInteger(field));
                }
            }
            perMember.add(member);
        }
        JsonArray notes = new JsonArray().add(TOKENS_NOTE);
        Integer heldCalls = switch (r.kind()) {
            case ID -> count(held, p -> p.revocationIds().contains(r.subject()));
            case TASK -> count(held, p -> r.subject().equals(p.task()));
            case AGENT -> {
                if (r.issuedBeforeMillis() != Revocation.ALL) {
                    notes.add(AGENT_HELD_NOTE);
                }
                yield count(held, p -> p.chain().contains(r.subject()));
            }
            case IDENTITY -> {
                notes.add(IDENTITY_HELD_NOTE);
                yield null;
            }
        };
        if (truncated) {
            notes.add("some member had more than " + RevocationReach.MAX_KEYS + " matches: totals are lower bounds");
        }
        JsonObject wouldStop = new JsonObject().put("sessions", sessions.size()).put("inFlightRequests", inFlight)
                .put("heldCalls", heldCalls).put("parkedCalls", parked).put("liveTasks", tasks)
                .put("tokensSeen", tokens.size());
        return new JsonObject().put("revoked", false)
                .put("revocation", new JsonObject().put("kind", r.kind().name().toLowerCase(Locale.ROOT))
                        .put("subject", AdminApi.shown(r)))
                .put("wouldStop", wouldStop)
                .put("complete", answered == answers.size())
                .put("asked", answers.size()).put("answered", answered)
                .put("members", perMember)
                .put("notes", notes);
    }

    private static int count(List<PendingApproval> held, java.util.function.Predicate<PendingApproval> match) {
        return (int) held.stream().filter(match).count();
    }
}
