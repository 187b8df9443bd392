package dev.warrant.gateway.approval;

import dev.warrant.gateway.cluster.ClusterNode;
import dev.warrant.gateway.cluster.InJvmCluster;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Held calls followed from another member (ClusterApprovals.onChange), on two real Hazelcast members in this JVM:
 * member A holds the call, member B's subscriber hears it opened, decided (with the approver's reason) and
 * removed, on a Vert.x event loop, and nothing more once it unsubscribed.
 */
class ClusterApprovalsEventsTest {

    private static Vertx vertx;
    private static List<ClusterNode> nodes;
    private static ClusterApprovals onA;
    private static ClusterApprovals onB;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        nodes = InJvmCluster.start(2);
        onA = new ClusterApprovals(vertx, nodes.get(0).hazelcast());
        onB = new ClusterApprovals(vertx, nodes.get(1).hazelcast());
    }

    @AfterAll
    static void stop() throws Exception {
        onA.close();
        onB.close();
        nodes.forEach(ClusterNode::close);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static PendingApproval pending(String id) {
        long now = System.currentTimeMillis();
        return new PendingApproval(id, "planner", List.of("root", "planner"), List.of("ab01", "cd02"), "task-7",
                "notes__write_note", "sha256:00", now, now + 60_000, "member-a", PendingApproval.Status.PENDING,
                null, "high", "allow if right(\"tool\", $u, $t)", "{\"path\":\"/x\"}", null);
    }

    private record Heard(ApprovalEvent event, boolean onEventLoop) {
    }

    @Test
    void anotherMemberHearsAHeldCallOpenedDecidedAndRemoved() throws Exception {
        List<Heard> heard = new CopyOnWriteArrayList<>();
        ClusterApprovals.Subscription subscription = onB.onChange(
                e -> heard.add(new Heard(e, Context.isOnEventLoopThread())));
        String id = "events-" + UUID.randomUUID();
        AtomicReference<PendingApproval> holderHeard = new AtomicReference<>();
        onA.open(pending(id), holderHeard::set).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        await("B hears the call opened").atMost(Duration.ofSeconds(10)).until(() -> count(heard, id) == 1);
        ApprovalEvent opened = heard.get(0).event();
        assertThat(opened.kind()).isEqualTo(ApprovalEvent.Kind.OPENED);
        assertThat(opened.approval().revocationIds()).containsExactly("ab01", "cd02");
        assertThat(opened.toJson().getJsonObject("approval").getString("riskTier")).isEqualTo("high");
        assertThat(opened.toJson().getString("kind")).isEqualTo("opened");

        // A reason that is not one printable line is refused, and the call stays pending.
        Throwable refused = onB.resolve(id, PendingApproval.Status.DENIED, "alice", "no\nway")
                .toCompletionStage().toCompletableFuture().handle((v, e) -> e).get(10, TimeUnit.SECONDS);
        assertThat(((WarrantException) refused).reason()).isEqualTo(Reason.APPROVAL_REASON_INVALID);

        PendingApproval denied = onB.resolve(id, PendingApproval.Status.DENIED, "alice", "not during the freeze")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(denied.decisionReason()).isEqualTo("not during the freeze");
        await("the holder hears the decision").atMost(Duration.ofSeconds(10)).until(() -> holderHeard.get() != null);
        assertThat(holderHeard.get().decisionReason()).isEqualTo("not during the freeze");
        await("B hears the decision").atMost(Duration.ofSeconds(10)).until(() -> count(heard, id) == 2);

        assertThat(onA.settle(id).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).status())
                .isEqualTo(PendingApproval.Status.DENIED);
        await("B hears the call removed").atMost(Duration.ofSeconds(10)).until(() -> count(heard, id) == 3);

        List<Heard> forId = heard.stream().filter(h -> h.event().id().equals(id)).toList();
        assertThat(forId).extracting(h -> h.event().kind()).containsExactly(ApprovalEvent.Kind.OPENED,
                ApprovalEvent.Kind.DECIDED, ApprovalEvent.Kind.REMOVED);
        ApprovalEvent decided = forId.get(1).event();
        assertThat(decided.approval().approver()).isEqualTo("alice");
        assertThat(decided.toJson().getJsonObject("approval").getString("decisionReason"))
                .isEqualTo("not during the freeze");
        assertThat(forId.get(2).event().approval().status()).isEqualTo(PendingApproval.Status.DENIED);
        // Delivered off Hazelcast's event threads, on the subscriber's Vert.x context.
        assertThat(forId).allSatisfy(h -> assertThat(h.onEventLoop()).isTrue());
        subscription.close();
    }

    @Test
    void aClosedSubscriptionHearsNothingMore() throws Exception {
        List<ApprovalEvent> closed = new CopyOnWriteArrayList<>();
        List<ApprovalEvent> open = new CopyOnWriteArrayList<>();
        ClusterApprovals.Subscription first = onB.onChange(closed::add);
        ClusterApprovals.Subscription second = onB.onChange(open::add);
        first.close();
        first.close(); // idempotent

        String id = "closed-" + UUID.randomUUID();
        onA.open(pending(id), p -> { }).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        await("the open subscription hears the call").atMost(Duration.ofSeconds(10))
                .until(() -> open.stream().anyMatch(e -> e.id().equals(id)));
        onA.settle(id).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> open.stream().filter(e -> e.id().equals(id)).count() == 2);
        assertThat(closed).noneMatch(e -> e.id().equals(id));
        second.close();
    }

    private static long count(List<Heard> heard, String id) {
        return heard.stream().filter(h -> h.event().id().equals(id)).count();
    }
}
