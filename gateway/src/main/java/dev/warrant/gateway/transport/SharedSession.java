package dev.warrant.gateway.transport;

import io.vertx.core.json.JsonObject;

/**
 * What the cluster knows of a 2025 session beyond its sealed id: when it was last used (on any member, coarsely),
 * the log level its agent set, and whether it has ended (and why).
 *
 * @param lastSeenMillis last use, as last published (at most every few seconds per member)
 * @param logLevel       the level set by {@code logging/setLevel}, or null
 * @param ended          the reason code it ended with (DELETE, revocation), or null while it lives
 */
public record SharedSession(long lastSeenMillis, String logLevel, String ended) {

    public String encode() {
        return new JsonObject().put("s", lastSeenMillis).put("l", logLevel).put("e", ended).encode();
    }

    /** @return the state, or null when the text is not one this class wrote */
    public static SharedSession decode(String text) {
        try {
            JsonObject o = new JsonObject(text);
            return new SharedSession(o.getLong("s"), o.getString("l"), o.getString("e"));
        } catch (RuntimeException e) {
            return null;
        }
    }
}
