package dev.warrant.adapters;

import java.util.Map;
import java.util.Set;

/**
 * Decides which in-flight call a message from the upstream belongs to.
 *
 * <p>Over Streamable HTTP the channel tells us the request whose POST stream carried the message: that is
 * exact. A channel without correlation (stdio) says nothing, so the message goes to the one relayed call in
 * flight, if there is exactly one; with several it belongs to none of them (we cannot know which).
 */
final class CallRouting {

    /** Notifications about the upstream as a whole: they go to the upstream's listeners, never to one call. */
    private static final Set<String> UPSTREAM_WIDE = Set.of("notifications/tools/list_changed",
            "notifications/resources/list_changed", "notifications/prompts/list_changed",
            "notifications/resources/updated");

    /** @param call the call the message belongs to, or null; @param inFlight relayed calls that could own it */
    record Route(PendingCall call, int inFlight) {
        boolean ambiguous() {
            return call == null && inFlight > 1;
        }
    }

    private static final Route NONE = new Route(null, 0);

    private CallRouting() {
    }

    static boolean upstreamWide(String method) {
        return UPSTREAM_WIDE.contains(method);
    }

    static Route route(Map<String, PendingCall> pending, String relatedRequestId, boolean channelCorrelates) {
        if (relatedRequestId != null) {
            PendingCall call = pending.get(relatedRequestId);
            return call != null && call.relays() ? new Route(call, 1) : NONE;
        }
        if (channelCorrelates) {
            // Sent outside any call (the GET stream): it belongs to no call, however many are in flight.
            return NONE;
        }
        PendingCall only = null;
        int count = 0;
        for (PendingCall call : pending.values()) {
            if (call.relays()) {
                only = call;
                count++;
            }
        }
        return count == 1 ? new Route(only, 1) : new Route(null, count);
    }
}
