package dev.warrant.gateway.admin;

import dev.warrant.gateway.ProcessPorts;
import dev.warrant.gateway.cluster.ClusterNode;
import dev.warrant.gateway.cluster.MemberViews;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cluster-wide question behind the preview and the status page never hangs: a member whose answer does not
 * come within the wait is listed as not answered, and the question returns (one real Hazelcast member).
 */
class MemberViewsTest {

    static ClusterNode node;
    static MemberViews views;

    @BeforeAll
    static void start() throws Exception {
        node = ClusterNode.start("warrant-views-" + UUID.randomUUID(), "127.0.0.1", ProcessPorts.freePort(), List.of());
        views = new MemberViews(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void aMemberThatDoesNotAnswerInTimeIsListedAsNotAnsweredAndTheQuestionReturns() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        views.register("stuck", q -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "{}";
        });
        long started = System.nanoTime();
        List<MemberViews.Answer> answers = views.ask("stuck", "", Duration.ofMillis(300));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        release.countDown();
        assertThat(answers).hasSize(1);
        assertThat(answers.get(0).answered()).isFalse();
        assertThat(answers.get(0).self()).isTrue();
        assertThat(tookMillis).as("bounded by the wait, not by the member").isLessThan(5_000);
    }

    @Test
    void everyMemberAnswersItsOwnViewOfTheQuestion() {
        views.register("echo", q -> "{\"asked\":\"" + q + "\"}");
        List<MemberViews.Answer> answers = views.ask("echo", "sessions", Duration.ofSeconds(5));
        assertThat(answers).hasSize(1);
        assertThat(answers.get(0).answered()).isTrue();
        assertThat(answers.get(0).json()).hasValue("{\"asked\":\"sessions\"}");
        assertThat(answers.get(0).memberId()).isEqualTo(node.memberId());
    }

    @Test
    void aViewNoMemberKnowsIsNotAnswered() {
        assertThat(views.ask("no-such-view", "", Duration.ofSeconds(5)).get(0).answered()).isFalse();
    }
}
