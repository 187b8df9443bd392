package dev.warrant.gateway.approval;

import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One grant's held calls cannot fill the approvers' queue for everyone. */
class HeldCallQuotaTest {

    @Test
    void aGrantAtItsQuotaIsRefusedWhileAnotherIsNot() {
        HeldCallQuota quota = new HeldCallQuota(2);
        quota.acquire("root-a");
        quota.acquire("root-a");
        assertThatThrownBy(() -> quota.acquire("root-a"))
                .isInstanceOfSatisfying(WarrantException.class, e -> assertThat(e.reason()).isEqualTo(Reason.APPROVAL_LIMIT));
        quota.acquire("root-b");
        assertThat(quota.heldBy("root-a")).isEqualTo(2);
        quota.release("root-a");
        quota.acquire("root-a");
        assertThat(quota.heldBy("root-a")).isEqualTo(2);
    }

    @Test
    void concurrentAcquisitionsNeverExceedTheQuota() throws Exception {
        HeldCallQuota quota = new HeldCallQuota(10);
        AtomicInteger granted = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int i = 0; i < 200; i++) {
                pool.execute(() -> {
                    try {
                        quota.acquire("root-a");
                        granted.incrementAndGet();
                    } catch (WarrantException refused) {
                        // expected past the quota
                    }
                });
            }
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(granted.get()).isEqualTo(10);
        assertThat(quota.heldBy("root-a")).isEqualTo(10);
    }
}
