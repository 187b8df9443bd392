package dev.warrant.gateway.transport;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The GET stream of a session under the interleavings the transport produces: the close handler of an old
 * connection (its event loop), the GET of a new one (another event loop), pushes (a worker) and the session's end
 * (a revocation) run on different threads. Each test races two of them on 50,000 fresh sessions, starting both
 * sides at nearly the same instant with a random skew, so the races sweep the window between a check and the write
 * that follows it.
 */
class SessionStreamRaceTest {

    /** Races per test: the old Session lost the new stream within 206 to 5,896 races in ten runs of 50,000. */
    static final int RACES = 50_000;
    /** Races between two barriers: fresh states are made, and the outcomes checked, a batch at a time. */
    static final int BATCH = 200;
    /** The most spins one side waits before it acts: enough to sweep past the few instructions of a window. */
    static final int SKEW = 32;

    @Test
    void theOldConnectionsDetachNeverDropsTheStreamAttachedAfterIt() throws Exception {
        race(() -> new Reconnect(newSession(), new RecordingResponse(), new RecordingResponse()),
                r -> {
                    r.old.disconnect();
                    r.session.detachStream(r.old.response);
                },
                r -> r.session.attachStream(r.fresh.response, null, false),
                r -> {
                    assertThat(r.session.hasStream()).as("the new stream is attached").isTrue();
                    assertThat(r.session.push(event())).isTrue();
                    assertThat(r.fresh.eventSeqs()).as("a push after the reconnect reaches the new stream")
                            .containsExactly(2L);
                    assertThat(r.fresh.ended()).isFalse();
                });
    }

    @Test
    void noEventPushedDuringAReconnectIsLost() throws Exception {
        race(() -> new Reconnect(newSession(), new RecordingResponse(), new RecordingResponse()),
                r -> {
                    for (int i = 0; i < 3; i++) {
                        r.session.push(event());
                    }
                },
                r -> {
                    // The agent resumes from the last event its old connection delivered.
                    List<Long> seen = r.old.eventSeqs();
                    String lastEventId = "0-" + seen.get(seen.size() - 1);
                    r.session.detachStream(r.old.response);
                    r.session.attachStream(r.fresh.response, lastEventId, false);
                },
                r -> {
                    assertThat(r.session.push(event())).isTrue();
                    List<Long> fresh = r.fresh.eventSeqs();
                    TreeSet<Long> delivered = new TreeSet<>(r.old.eventSeqs());
                    delivered.addAll(fresh);
                    assertThat(delivered).as("old stream %s, new stream %s", r.old.eventSeqs(), fresh)
                            .containsExactly(1L, 2L, 3L, 4L, 5L);
                    assertThat(fresh).as("the new stream's events, in order without a gap, up to the last")
                            .isSortedAccordingTo(Long::compare)
                            .doesNotHaveDuplicates()
                            .endsWith(5L)
                            .hasSize((int) (5 - fresh.get(0) + 1));
                });
    }

    @Test
    void aStreamAttachedAsTheSessionEndsIsEndedToo() throws Exception {
        race(() -> new Reconnect(newSession(), new RecordingResponse(), new RecordingResponse()),
                r -> r.session.close(),
                r -> r.session.attachStream(r.fresh.response, null, false),
                r -> {
                    assertThat(r.session.hasStream()).as("a closed session has no stream").isFalse();
                    assertThat(r.fresh.ended()).as("the stream attached while the session ended is ended").isTrue();
                    assertThat(r.old.ended()).isTrue();
                    assertThat(r.session.push(event())).isFalse();
                });
    }

    /** A session whose agent has a GET stream ({@code old}) that received event 1, and a second connection. */
    record Reconnect(Session session, RecordingResponse old, RecordingResponse fresh) {
        Reconnect {
            session.attachStream(old.response, null, false);
            session.push(event());
        }
    }

    private static Session newSession() {
        return new Session("s", "root", "caller", "2025-06-18", 0);
    }

    private static JsonObject event() {
        return new JsonObject().put("jsonrpc", "2.0").put("method", "notifications/tools/list_changed");
    }

    /**
     * Runs {@code one} and {@code other} on two threads at nearly the same instant on each of {@link #RACES} fresh
     * states from {@code setup}, then {@code check} on each; stops at the first failure. The
     * two threads meet at every state by spinning (a barrier's park and wake-up would cost more than the race), and
     * each then waits a random few spins, so the offset between the sides varies from state to state.
     */
    private static <T> void race(Supplier<T> setup, Consumer<T> one, Consumer<T> other, Consumer<T> check)
            throws Exception {
        int rounds = RACES / BATCH;
        CyclicBarrier start = new CyclicBarrier(3);
        CyclicBarrier done = new CyclicBarrier(3);
        AtomicLong arrived = new AtomicLong();
        List<T> batch = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (Consumer<T> side : List.of(one, other)) {
            Thread t = new Thread(() -> {
                try {
                    long meetings = 0;
                    for (int i = 0; i < rounds; i++) {
                        start.await(10, TimeUnit.SECONDS);
                        for (T state : batch) {
                            alignWithTheOtherSide(arrived, 2 * ++meetings);
                            spin(ThreadLocalRandom.current().nextInt(SKEW));
                            try {
                                side.accept(state);
                            } catch (Throwable e) {
                                failure.compareAndSet(null, e);
                            }
                        }
                        done.await(10, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                    failure.compareAndSet(null, e);
                }
            }, "race-side-" + threads.size());
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        try {
            for (int i = 0; i < rounds; i++) {
                batch.clear();
                for (int j = 0; j < BATCH; j++) {
                    batch.add(setup.get());
                }
                start.await(10, TimeUnit.SECONDS);
                done.await(10, TimeUnit.SECONDS);
                if (failure.get() != null) {
                    throw new AssertionError("round " + (i + 1) + " of " + rounds + ": a side failed", failure.get());
                }
                for (int j = 0; j < BATCH; j++) {
                    try {
                        check.accept(batch.get(j));
                    } catch (AssertionError e) {
                        throw new AssertionError("race " + (i * BATCH + j + 1) + " of " + RACES + ": "
                                + e.getMessage(), e);
                    }
                }
            }
        } finally {
            threads.forEach(Thread::interrupt);
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(10));
            }
        }
    }

    /** Busy-waits until both sides arrived for this round (yielding now and then: two cores may be busy). */
    private static void alignWithTheOtherSide(AtomicLong arrived, long target) throws TimeoutException {
        arrived.incrementAndGet();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (int spins = 0; arrived.get() < target; spins++) {
            if ((spins & 0x3ff) == 0x3ff) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("the other side never arrived");
                }
                Thread.yield();
            } else {
                Thread.onSpinWait();
            }
        }
    }

    private static void spin(int n) {
        for (int i = 0; i < n; i++) {
            Thread.onSpinWait();
        }
    }
}
