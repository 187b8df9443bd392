package dev.warrant.gateway.console;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import dev.warrant.gateway.crypto.Sha256;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Console sign-ins in the cluster map {@value #MAP_NAME}, so an operator behind a load balancer stays signed in on
 * every member. The map is keyed by the SHA-256 of the cookie's value, never the value itself: whoever can read
 * the map cannot replay a browser's cookie from it. Entries end after {@code sessionTtl} and after
 * {@code idleTimeout} unused (Hazelcast's TTL and max-idle), and at sign-out.
 *
 * <p>Every map operation is a cluster round trip: it runs on a worker thread, never the event loop.
 */
final class ConsoleSessions {

    static final String MAP_NAME = "warrant.console-sessions";
    private static final SecureRandom RANDOM = new SecureRandom();
    /** A renewal waits at most this long for one already under way (an IdP answers within its own timeout). */
    private static final Duration RENEW_LOCK_WAIT = IdpClient.TIMEOUT.plusSeconds(5);

    private final Vertx vertx;
    private final IMap<String, ConsoleSession> map;
    private final ConsoleSettings settings;
    private final Clock clock;

    ConsoleSessions(Vertx vertx, HazelcastInstance hazelcast, ConsoleSettings settings, Clock clock) {
        this.vertx = vertx;
        this.map = hazelcast.getMap(MAP_NAME);
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * A new sign-in for {@code token} ({@code refreshToken}: null, or the IdP's, to renew it); completes with the
     * cookie value that names it.
     */
    Future<Created> create(String token, String refreshToken) {
        String cookie = random();
        ConsoleSession session = new ConsoleSession(token, random(), clock.millis(), refreshToken);
        return vertx.executeBlocking(() -> {
            map.put(key(cookie), session, settings.sessionTtl().toMillis(), TimeUnit.MILLISECONDS,
                    settings.idleTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return new Created(cookie, session);
        }, false);
    }

    /** The sign-in the cookie names; null when there is none (never was, ended, or expired). */
    Future<ConsoleSession> find(String cookie) {
        if (cookie == null || cookie.length() != 43) {
            return Future.succeededFuture(null);
        }
        return vertx.executeBlocking(() -> map.get(key(cookie)), false);
    }

    /**
     * Renews the sign-in the cookie names, whose token {@code seen} has expired, once across the cluster: under the
     * entry's lock it reads the session again; if another request (on any member) renewed it meanwhile, that
     * renewal is the answer, else {@code renew} (blocking: it waits for the IdP) gives the fresh session, stored for
     * what is left of the sign-in's lifetime. Null when the sign-in ended meanwhile. Runs on a worker thread: an
     * IdP that rotates refresh tokens would refuse a second use, so two renewals must never race.
     */
    Future<Renewal> renew(String cookie, ConsoleSession seen, UnaryOperator<ConsoleSession> renew) {
        return vertx.executeBlocking(() -> {
            String key = key(cookie);
            if (!map.tryLock(key, RENEW_LOCK_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                return null;
            }
            try {
                ConsoleSession current = map.get(key);
                if (current == null) {
                    return null;
                }
                if (!current.token().equals(seen.token())) {
                    return new Renewal(current, false);
                }
                long left = settings.sessionTtl().toMillis() - (clock.millis() - current.createdAtMillis());
                if (left <= 0) {
                    map.delete(key);
                    return null;
                }
                ConsoleSession renewed = renew.apply(current);
                map.put(key, renewed, left, TimeUnit.MILLISECONDS, settings.idleTimeout().toMillis(),
                        TimeUnit.MILLISECONDS);
                return new Renewal(renewed, true);
            } finally {
                map.unlock(key);
            }
        }, false);
    }

    Future<Void> end(String cookie) {
        if (cookie == null || cookie.length() != 43) {
            return Future.succeededFuture();
        }
        return vertx.executeBlocking(() -> {
            map.delete(key(cookie));
            return null;
        }, false);
    }

    /**
     * Runs {@code ended} (on a Hazelcast event thread) once the sign-in the cookie names ends on any member: signed
     * out, expired or idle too long. Completes with what stops the watch. A sign-in that ended before the watch
     * began counts as ending now.
     */
    Future<Runnable> onEnd(String cookie, Runnable ended) {
        String key = key(cookie);
        return vertx.executeBlocking(() -> {
            UUID id = map.addEntryListener(new Ended(ended), key, false);
            if (!map.containsKey(key)) {
                ended.run();
            }
            Runnable stop = () -> vertx.executeBlocking(() -> map.removeEntryListener(id), false);
            return stop;
        }, false);
    }

    /** Removed (sign-out), expired (lifetime) or evicted (idle): the sign-in is over. */
    private record Ended(Runnable ended) implements EntryRemovedListener<String, ConsoleSession>,
            EntryExpiredListener<String, ConsoleSession>, EntryEvictedListener<String, ConsoleSession> {
        @Override
        public void entryRemoved(EntryEvent<String, ConsoleSession> event) {
            ended.run();
        }

        @Override
        public void entryExpired(EntryEvent<String, ConsoleSession> event) {
            ended.run();
        }

        @Override
        public void entryEvicted(EntryEvent<String, ConsoleSession> event) {
            ended.run();
        }
    }

    record Created(String cookie, ConsoleSession session) {
    }

    /** A renewed sign-in; {@code here}: this request renewed it (false: another did, while this one waited). */
    record Renewal(ConsoleSession session, boolean here) {
    }

    /** 256 random bits, base64url without padding (43 characters). */
    static String random() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String key(String cookie) {
        return Sha256.hex(cookie);
    }
}
