package dev.warrant.gateway.exchange;

import io.vertx.core.MultiMap;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A token-exchange request's parameters (RFC 8693 §2.1), each present at most once (RFC 6749 §3.2), with the
 * token types Warrant accepts.
 *
 * @param scope space-separated items {@code kind:server:name} (see {@link Scope})
 */
record ExchangeRequest(String subjectToken, String subjectTokenType, Optional<String> actorToken,
                       Optional<String> actorTokenType, Optional<String> resource, Optional<String> scope) {

    private static final Set<String> KNOWN = Set.of("grant_type", "subject_token", "subject_token_type", "actor_token",
            "actor_token_type", "resource", "scope", "audience", "requested_token_type");

    static ExchangeRequest from(MultiMap form) {
        for (String name : form.names()) {
            if (form.getAll(name).size() > 1) {
                throw ExchangeError.invalidRequest("parameter " + shown(name) + " is given more than once");
            }
        }
        String grant = single(form, "grant_type").orElseThrow(() -> ExchangeError.invalidRequest("grant_type is required"));
        if (!grant.equals(TokenTypes.GRANT_TYPE)) {
            throw ExchangeError.unsupportedGrantType("only " + TokenTypes.GRANT_TYPE + " is supported");
        }
        String subject = single(form, "subject_token").orElseThrow(() -> ExchangeError.invalidRequest("subject_token is required"));
        String subjectType = type(form, "subject_token_type")
                .orElseThrow(() -> ExchangeError.invalidRequest("subject_token_type is required"));
        Optional<String> actor = single(form, "actor_token");
        Optional<String> actorType = type(form, "actor_token_type");
        if (actor.isPresent() != actorType.isPresent()) {
            throw ExchangeError.invalidRequest("actor_token and actor_token_type go together");
        }
        if (subjectType.equals(TokenTypes.MTLS_PEER)) {
            throw ExchangeError.invalidRequest("a connection's certificate can name the actor, not the subject");
        }
        Optional<String> requested = single(form, "requested_token_type");
        if (requested.isPresent() && !requested.get().equals(TokenTypes.BISCUIT)) {
            throw ExchangeError.invalidRequest("requested_token_type: Warrant issues only " + TokenTypes.BISCUIT);
        }
        if (single(form, "audience").isPresent()) {
            throw ExchangeError.invalidTarget("audience is not supported; name this gateway with resource");
        }
        return new ExchangeRequest(subject, subjectType, actor, actorType, single(form, "resource"), single(form, "scope"));
    }

    private static Optional<String> type(MultiMap form, String name) {
        Optional<String> type = single(form, name);
        if (type.isPresent() && !TokenTypes.ALL.contains(type.get())) {
            throw ExchangeError.invalidRequest(name + " must be one of " + List.of(TokenTypes.JWT, TokenTypes.ACCESS_TOKEN,
                    TokenTypes.BISCUIT, TokenTypes.MTLS_PEER));
        }
        return type;
    }

    private static Optional<String> single(MultiMap form, String name) {
        String value = form.get(name);
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    private static String shown(String name) {
        return KNOWN.contains(name) ? name : "(unknown)";
    }
}
