package dev.warrant.gateway.record.search;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link AuditSearchApi#search} hands the reading to its own thread; the answer comes back on the caller's context. */
class AuditSearchThreadsTest {

    @TempDir
    Path dir;

    @Test
    void aSearchAskedOnAnEventLoopIsAnsweredOnThatLoopAndItsRefusalsArriveUnwrapped() throws Exception {
        Path file = AuditSearchTest.log(dir.resolve("audit.log"), 0, 50, 1024 * 1024);
        Vertx vertx = Vertx.vertx();
        try (AuditSearchApi api = new AuditSearchApi(vertx, null, null, file, AuditSearchTest.AMPLE)) {
            Context loop = vertx.getOrCreateContext();
            CompletableFuture<String> answeredOn = new CompletableFuture<>();
            CompletableFuture<Integer> lines = new CompletableFuture<>();
            loop.runOnContext(v -> {
                String caller = Thread.currentThread().getName();
                api.search(AuditQuery.newest(10)).onComplete(ar -> {
                    answeredOn.complete(Thread.currentThread().getName().equals(caller) ? "caller's loop"
                            : Thread.currentThread().getName());
                    lines.complete(ar.succeeded() ? ar.result().lines().size() : -1);
                });
            });
            assertThat(answeredOn.get(10, TimeUnit.SECONDS)).isEqualTo("caller's loop");
            assertThat(lines.get(10, TimeUnit.SECONDS)).isEqualTo(10);

            // A cursor refused on the search thread arrives as the refusal, not wrapped.
            CompletableFuture<Throwable> refused = new CompletableFuture<>();
            AuditCursor forged = new AuditCursor(new byte[16], 0);
            loop.runOnContext(v -> api.search(AuditQuery.newest(10).after(forged))
                    .onComplete(ar -> refused.complete(ar.cause())));
            assertThat(refused.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(dev.warrant.gateway.errors.WarrantException.class)
                    .extracting(e -> ((dev.warrant.gateway.errors.WarrantException) e).reason().code())
                    .isEqualTo("audit_cursor_invalid");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
