package dev.warrant.gateway.transport;

import dev.warrant.gateway.cluster.SealingKeys;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * How one member's {@link SessionRegistry} shares sessions with the others (docs/ARCHITECTURE.md §5.5): a small
 * state per session id that every member reads locally ({@link SharedSession}, replicated), and messages to every
 * member (an agent's answer or cancellation for a call that runs on another member). {@link #local()} shares with
 * nobody: one member, or a unit test.
 */
public interface SessionSharing {

    /** The state the cluster holds for this session id, read locally; null when none. */
    SharedSession get(String id);

    /** Publishes a session's state to every member; it is forgotten {@code ttl} after its last publication. */
    void put(String id, SharedSession state, Duration ttl);

    /** Called (on a cluster thread) with each state another member or this one published. */
    void onChange(BiConsumer<String, SharedSession> listener);

    /** Sends a message to every member, this one included. */
    void send(JsonObject message);

    /** Called (on a cluster thread) with each message sent by any member. */
    void onMessage(Consumer<JsonObject> listener);

    /** The keys session ids are sealed with: the same on every member, rotated. */
    SealingKeys keys();

    /** Shares nothing: a one-member registry with a key of its own. */
    static SessionSharing local() {
        return local(SealingKeys.fixed());
    }

    /** Shares nothing, sealing ids with {@code keys}. */
    static SessionSharing local(SealingKeys keys) {
        Map<String, SharedSession> states = new ConcurrentHashMap<>();
        return new SessionSharing() {
            @Override
            public SharedSession get(String id) {
                return states.get(id);
            }

            @Override
            public void put(String id, SharedSession state, Duration ttl) {
                states.put(id, state);
            }

            @Override
            public void onChange(BiConsumer<String, SharedSession> listener) {
            }

            @Override
            public void send(JsonObject message) {
            }

            @Override
            public void onMessage(Consumer<JsonObject> listener) {
            }

            @Override
            public SealingKeys keys() {
                return keys;
            }
        };
    }
}
