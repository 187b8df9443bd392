package dev.warrant.gateway.forward;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/** Large lists must not hold the event loop; small ones must not pay a hand-off. */
@ExtendWith(VertxExtension.class)
class ListWorkTest {

    @Test
    void smallListIsDecidedOnTheEventLoop(Vertx vertx, VertxTestContext test) {
        vertx.runOnContext(v -> ListWork.run(ListWork.INLINE_LIMIT, () -> Context.isOnEventLoopThread())
                .onComplete(test.succeeding(onLoop -> test.verify(() -> {
                    assertThat(onLoop).isTrue();
                    test.completeNow();
                }))));
    }

    @Test
    void largeListIsDecidedOffTheEventLoopAndAnsweredOnIt(Vertx vertx, VertxTestContext test) {
        vertx.runOnContext(v -> ListWork.run(ListWork.INLINE_LIMIT + 1, () -> Context.isOnWorkerThread())
                .onComplete(test.succeeding(onWorker -> test.verify(() -> {
                    assertThat(onWorker).isTrue();
                    assertThat(Context.isOnEventLoopThread()).isTrue();
                    test.completeNow();
                }))));
    }

    @Test
    void aFailureInTheWorkFailsTheFutureInsteadOfEscaping(Vertx vertx, VertxTestContext test) {
        vertx.runOnContext(v -> ListWork.run(ListWork.INLINE_LIMIT + 1, () -> {
            throw new IllegalStateException("policy engine down");
        }).onComplete(test.failing(e -> test.verify(() -> {
            assertThat(e).hasMessage("policy engine down");
            test.completeNow();
        }))));
    }
}
