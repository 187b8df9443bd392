package dev.warrant.gateway.exchange;

import dev.warrant.delegation.HopSpec;
import dev.warrant.delegation.Vocabulary;

/**
 * The {@code scope} of a token exchange: space-separated {@code tool:server:name}, {@code prompt:server:name} or
 * {@code resource:server:uriPrefix} items ({@code *} = any name), the same form as {@code warrant mint --right}.
 * Each becomes an allow of the exchange's attenuation block, so the issued token holds at most the subject's
 * rights that the scope names: a scope can only narrow. With a {@code resource} naming one of the gateway's
 * servers, every item must be on that server.
 */
final class Scope {

    static final int MAX_ITEMS = 64;

    private Scope() {
    }

    /** @param server the virtual server the exchange's {@code resource} named, to which every item must belong */
    static void applyTo(String scope, java.util.Optional<String> server, HopSpec.Builder hop) {
        String[] items = scope.trim().split(" +");
        if (items.length > MAX_ITEMS) {
            throw ExchangeError.invalidScope("at most " + MAX_ITEMS + " scope items");
        }
        for (String item : items) {
            String[] parts = item.split(":", 3);
            if (parts.length != 3 || parts[1].isEmpty() || parts[2].isEmpty()) {
                throw ExchangeError.invalidScope("a scope item is kind:server:name (tool, prompt or resource)");
            }
            if (server.isPresent() && !server.get().equals(parts[1])) {
                throw ExchangeError.invalidScope("a scope item names another server than the resource");
            }
            try {
                switch (parts[0]) {
                    case Vocabulary.KIND_TOOL -> hop.tools(parts[1], parts[2]);
                    case Vocabulary.KIND_PROMPT -> hop.prompts(parts[1], parts[2]);
                    case Vocabulary.KIND_RESOURCE -> hop.resources(parts[1], parts[2]);
                    default -> throw ExchangeError.invalidScope("a scope item's kind is tool, prompt or resource");
                }
            } catch (IllegalArgumentException e) {
                throw ExchangeError.invalidScope("scope item: " + e.getMessage());
            }
        }
    }
}
