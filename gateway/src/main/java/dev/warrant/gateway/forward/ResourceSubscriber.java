package dev.warrant.gateway.forward;

import io.vertx.core.json.JsonObject;

/**
 * Who hears of a subscribed resource's changes: a 2025 session (on its GET stream) or a 2026
 * {@code subscriptions/listen} stream (tagged with its subscription id). Equality decides who is subscribed.
 */
public interface ResourceSubscriber {

    /** Delivers one {@code notifications/resources/updated}. */
    void updated(JsonObject notification);

    /** A closed subscriber is dropped when an update finds it. */
    boolean isClosed();
}
