package dev.warrant.gateway.tasks;

import dev.warrant.gateway.pipeline.OnCallerContext;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.vertx.core.Future;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The tasks Warrant handed out, in a Hazelcast map every member reads: handle to {@link TaskRecord}, each entry
 * expiring with its record. A handle is 128 random bits, so it cannot be guessed, and it opens nothing by itself:
 * every request that presents it must also come from the token chain the record names ({@link TaskGate}).
 *
 * <p>Entries are written before the agent hears of the task (the revision asks that a task exist before its
 * handle is returned), so a {@code tasks/get} on any member finds it. The map's async operations never block
 * the event loop; their results come back on the caller's context.
 */
public final class TaskStore {

    static final String MAP_NAME = "warrant.tasks";
    private static final String PREFIX = "wtask_";
    private static final Pattern HANDLE = Pattern.compile("wtask_[A-Za-z0-9_-]{22}");

    private final IMap<String, String> map;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public TaskStore(HazelcastInstance hazelcast, Clock clock) {
        this.map = hazelcast.getMap(MAP_NAME);
        this.clock = clock;
    }

    /** Stores the record under a fresh handle; completes with the handle once the cluster holds it. */
    Future<String> create(TaskRecord record) {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        String handle = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        long ttl = Math.max(1, Duration.between(clock.instant(), record.expires()).toMillis());
        return OnCallerContext.future(map.setAsync(handle, record.encode(), ttl, TimeUnit.MILLISECONDS)).map(v -> handle);
    }

    /** The live record under this handle; null when there is none (never issued, expired, malformed). */
    Future<TaskRecord> find(String handle) {
        if (handle == null || !HANDLE.matcher(handle).matches()) {
            return Future.succeededFuture(null);
        }
        Instant now = clock.instant();
        return OnCallerContext.future(map.getAsync(handle)).map(text -> {
            TaskRecord record = text == null ? null : TaskRecord.decode(text);
            return record == null || !record.expires().isAfter(now) ? null : record;
        });
    }

    /** Forgets a task (cancelled because its token was revoked). */
    void remove(String handle) {
        map.removeAsync(handle);
    }
}
