package dev.warrant.gateway;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one teardown list of a node: reverse order, every close runs, and nothing closes twice. */
class ResourcesTest {

    private final List<String> closed = new ArrayList<>();

    @Test
    void closesInTheReverseOrderOfAcquisition() {
        Resources resources = new Resources();
        resources.onClose("first", () -> closed.add("first"));
        resources.add("second", () -> closed.add("second"));
        resources.onAsyncClose("third", () -> {
            closed.add("third");
            return Future.succeededFuture();
        });

        resources.close();

        assertThat(closed).containsExactly("third", "second", "first");
    }

    @Test
    void aResourceMarkedToCloseFirstClosesBeforeLaterOnes() {
        Resources resources = new Resources();
        resources.onClose("first", () -> closed.add("first"));
        resources.onClose("port", () -> closed.add("port"));
        resources.onClose("third", () -> closed.add("third"));
        resources.closeFirst("port");

        resources.close();

        assertThat(closed).containsExactly("port", "third", "first");
    }

    @Test
    void aCloseThatFailsDoesNotKeepTheOthersOpen() {
        Resources resources = new Resources();
        resources.onClose("first", () -> closed.add("first"));
        resources.onClose("broken", () -> {
            throw new IOException("disk gone");
        });
        resources.onAsyncClose("failing later", () -> Future.failedFuture("refused"));
        resources.onClose("last", () -> closed.add("last"));

        resources.close();

        assertThat(closed).containsExactly("last", "first");
    }

    @Test
    void anAsynchronousCloseThatNeverEndsIsWaitedForAWhileOnly() {
        Resources resources = new Resources(Duration.ofMillis(50));
        resources.onClose("first", () -> closed.add("first"));
        resources.onAsyncClose("hanging", () -> Promise.promise().future());

        resources.close();

        assertThat(closed).containsExactly("first");
    }

    @Test
    void anErrorStillLetsTheRestCloseAndIsRethrown() {
        Resources resources = new Resources();
        resources.onClose("first", () -> closed.add("first"));
        resources.onClose("fatal", () -> {
            throw new NoClassDefFoundError("gone");
        });

        assertThatThrownBy(resources::close).isInstanceOf(NoClassDefFoundError.class);
        assertThat(closed).containsExactly("first");
    }

    @Test
    void closingTwiceClosesOnce() {
        Resources resources = new Resources();
        resources.onClose("only", () -> closed.add("only"));

        resources.close();
        resources.close();

        assertThat(closed).containsExactly("only");
    }
}
