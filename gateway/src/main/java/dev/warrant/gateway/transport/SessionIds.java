package dev.warrant.gateway.transport;

import dev.warrant.gateway.cluster.Sealer;
import dev.warrant.gateway.cluster.SealingKeys;
import io.vertx.core.json.JsonObject;

/**
 * Session ids that describe their session: what {@code initialize} settled (the owner's grant and caller, the
 * negotiated version, the client's capabilities) and when, sealed with the cluster's key ({@link Sealer}). Any
 * member that receives the id can take the session up without asking another; nobody can forge one or change
 * what it says.
 */
final class SessionIds {

    /** What a session id says. */
    record Facts(String ownerRoot, String ownerCaller, String protocolVersion, JsonObject capabilities,
                 long createdMillis) {
    }

    private final Sealer sealer;

    SessionIds(SealingKeys keys) {
        this.sealer = new Sealer(keys, "ws2.", "warrant/session-id/v2");
    }

    /** Whether the id's sealing key is still retained (its session is younger than {@code sessions.maxAge}). */
    boolean retained(String id) {
        return sealer.retained(id);
    }

    String mint(Facts facts) {
        return sealer.seal(new JsonObject().put("r", facts.ownerRoot()).put("c", facts.ownerCaller())
                .put("v", facts.protocolVersion()).put("k", facts.capabilities()).put("t", facts.createdMillis()));
    }

    /** @return what the id says, or null when it is not one the cluster sealed */
    Facts open(String id) {
        JsonObject claims = sealer.open(id);
        if (claims == null) {
            return null;
        }
        try {
            Facts facts = new Facts(claims.getString("r"), claims.getString("c"), claims.getString("v"),
                    claims.getJsonObject("k", new JsonObject()), claims.getLong("t"));
            return facts.ownerRoot() == null || facts.protocolVersion() == null ? null : facts;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
