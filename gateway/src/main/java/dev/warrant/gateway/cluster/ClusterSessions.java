package dev.warrant.gateway.cluster;

import com.hazelcast.core.EntryAdapter;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.replicatedmap.ReplicatedMap;
import com.hazelcast.topic.ITopic;
import dev.warrant.gateway.transport.SessionSharing;
import dev.warrant.gateway.transport.SharedSession;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Sessions shared through Hazelcast: their small states in a replicated map (every member holds a copy, so a read
 * is local and costs no network hop on the request path), messages on a topic. Replication is asynchronous: a
 * DELETE is seen by the other members within milliseconds, not before its answer (docs/ARCHITECTURE.md §5.5).
 */
public final class ClusterSessions implements SessionSharing {

    static final String STATES = "warrant.sessions";
    static final String MESSAGES = "warrant.session-messages";
    public static final String KEY_NAME = "session-id";

    private final ReplicatedMap<String, String> states;
    private final ITopic<String> messages;
    private final SealingKeys keys;

    /** Blocks (reads the shared key): call it while starting. */
    /** @param keys the rotating keys session ids are sealed with ({@link RotatingKeys} named {@link #KEY_NAME}) */
    public ClusterSessions(ClusterNode node, SealingKeys keys) {
        this.states = node.hazelcast().getReplicatedMap(STATES);
        this.messages = node.hazelcast().getTopic(MESSAGES);
        this.keys = keys;
    }

    @Override
    public SharedSession get(String id) {
        String text = states.get(id);
        return text == null ? null : SharedSession.decode(text);
    }

    @Override
    public void put(String id, SharedSession state, Duration ttl) {
        states.put(id, state.encode(), ttl.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void onChange(BiConsumer<String, SharedSession> listener) {
        states.addEntryListener(new EntryAdapter<>() {
            @Override
            public void onEntryEvent(EntryEvent<String, String> event) {
                if (event.getValue() != null) {
                    SharedSession state = SharedSession.decode(event.getValue());
                    if (state != null) {
                        listener.accept(event.getKey(), state);
                    }
                }
            }
        });
    }

    @Override
    public void send(JsonObject message) {
        messages.publish(message.encode());
    }

    @Override
    public void onMessage(Consumer<JsonObject> listener) {
        messages.addMessageListener(m -> {
            try {
                listener.accept(new JsonObject(m.getMessageObject()));
            } catch (RuntimeException e) {
                // Only members publish here; a message we cannot read is dropped, never fatal to the listener.
            }
        });
    }

    @Override
    public SealingKeys keys() {
        return keys;
    }
}
