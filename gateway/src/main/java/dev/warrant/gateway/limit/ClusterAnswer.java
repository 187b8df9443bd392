package dev.warrant.gateway.limit;

import dev.warrant.gateway.pipeline.OnCallerContext;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A cluster-wide count's answer, on the caller's context, within {@link #WAIT_MILLIS}; past that (or on a
 * failure) this member's own count decides, so a slow cluster neither blocks calls nor lifts a limit.
 */
final class ClusterAnswer {

    static final long WAIT_MILLIS = 500;
    private static final Logger LOG = LoggerFactory.getLogger(ClusterAnswer.class);

    private ClusterAnswer() {
    }

    static <T> Future<T> within(CompletionStage<T> answer, Supplier<T> fallback, String what) {
        return OnCallerContext.future(answer).timeout(WAIT_MILLIS, TimeUnit.MILLISECONDS).recover(e -> {
            LOG.warn("the cluster's {} did not answer ({}); this member's share decides", what, e.toString());
            return Future.succeededFuture(fallback.get());
        });
    }
}
