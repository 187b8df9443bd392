package dev.warrant.gateway.identity;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * {@code identity:} in the config: JWT access tokens from these issuers are accepted for this resource.
 *
 * @param resource this gateway's RFC 8707 resource identifier; a token's {@code aud} must contain it exactly
 * @param issuers  at least one, each issuer once
 * @param mapping  the Datalog file that turns a verified token's claims into rights (read elsewhere)
 * @param signingKeyFile the Ed25519 key the gateway mints identities' Biscuits with; empty: {@code
 *                 <stateDir>/identity.key}, created on first start (give every member the same file, so that a
 *                 token one member issued through token exchange is verified by all)
 * @throws IllegalArgumentException naming the field ({@code resource: ...}) and what is wrong
 */
public record IdentitySettings(String resource, List<IssuerSettings> issuers, Path mapping,
                               Optional<Path> signingKeyFile) {

    public IdentitySettings(String resource, List<IssuerSettings> issuers, Path mapping) {
        this(resource, issuers, mapping, Optional.empty());
    }

    public IdentitySettings {
        if (resource == null || resource.isBlank()) {
            throw new IllegalArgumentException("resource: required");
        }
        URI r = IssuerSettings.uri(resource, "resource");
        if (r.getRawFragment() != null) {
            throw new IllegalArgumentException("resource: must have no fragment (RFC 8707): " + resource);
        }
        issuers = List.copyOf(issuers == null ? List.of() : issuers);
        if (issuers.isEmpty()) {
            throw new IllegalArgumentException("issuers: at least one issuer required");
        }
        Set<String> seen = new HashSet<>();
        for (IssuerSettings i : issuers) {
            if (!seen.add(i.issuer())) {
                throw new IllegalArgumentException("issuers: " + i.issuer() + " is listed twice");
            }
        }
        Objects.requireNonNull(mapping, "mapping: required");
        Objects.requireNonNull(signingKeyFile, "signingKeyFile");
    }
}
