package dev.warrant.gateway.limit;

import dev.warrant.policies.limits.DenialWindow;
import dev.warrant.policies.limits.DriftThreshold;
import io.vertx.core.Future;

import java.util.function.IntSupplier;

/**
 * Denials counted by this member alone, against its share of the threshold (the whole threshold when
 * {@code members} says one). No network; safe on the event loop.
 */
final class LocalDenials implements DenialCounter {

    private final DenialWindow window;
    private final IntSupplier members;

    LocalDenials(DenialWindow window, IntSupplier members) {
        this.window = window;
        this.members = members;
    }

    @Override
    public DriftThreshold threshold() {
        return window.threshold();
    }

    @Override
    public Future<Boolean> deny(String caller) {
        return Future.succeededFuture(denyNow(caller));
    }

    boolean denyNow(String caller) {
        return window.deny(caller, window.threshold().share(members.getAsInt()).maxDenials());
    }
}
