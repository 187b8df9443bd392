package dev.warrant.gateway.cluster;

import dev.warrant.delegation.Identity;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One revocation entry, as stored in the cluster map, the members' local indexes and their journals.
 *
 * @param kind               what {@code subject} names
 * @param subject            lowercase hex block revocation id, agent name, task id, or an IdP identity
 *                           ({@link #identitySubject})
 * @param issuedBeforeMillis AGENT only: covers tokens whose {@code issued_at} is before this instant;
 *                           {@link #ALL} = every token of the agent (a quarantine for the maximum TTL)
 * @param revokedAtMillis    when it was revoked
 * @param expiresAtMillis    after this no token it covers can still be valid, so the entry may be dropped
 * @param reason             free text from the operator, for the audit trail
 */
public record Revocation(Kind kind, String subject, long issuedBeforeMillis, long revokedAtMillis,
                         long expiresAtMillis, String reason) implements Serializable {

    public static final long ALL = Long.MAX_VALUE;

    public enum Kind {
        /** A block revocation id: that token and everything derived from it. */
        ID,
        /** An agent: tokens whose chain names it (authority agent or any delegatee), optionally issued before T. */
        AGENT,
        /** A task: tokens whose authority block carries task(subject). */
        TASK,
        /**
         * An IdP identity (issuer and subject): every token the gateway minted for it and everything delegated
         * from those, including tokens minted while the entry lasts.
         */
        IDENTITY
    }


    public Revocation {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(subject, "subject");
        if (kind == Kind.ID && !subject.matches("([0-9a-f]{2}){1,128}")) {
            throw new IllegalArgumentException("revocationId must be lowercase hex");
        }
        if (kind == Kind.IDENTITY) {
            identity(subject);
        } else if (subject.isEmpty() || subject.length() > 256) {
            throw new IllegalArgumentException(kind.name().toLowerCase() + " must be 1..256 characters");
        }
        if (kind != Kind.AGENT) {
            issuedBeforeMillis = ALL;
        }
        reason = reason == null ? "" : reason;
    }

    public static Revocation ofId(String hex, Instant now, Duration maxTokenTtl, String reason) {
        // No token carrying this block can outlive now + the maximum TTL.
        return new Revocation(Kind.ID, hex, ALL, now.toEpochMilli(), now.plus(maxTokenTtl).toEpochMilli(), reason);
    }

    public static Revocation ofTask(String task, Instant now, Duration maxTokenTtl, String reason) {
        return new Revocation(Kind.TASK, task, ALL, now.toEpochMilli(), now.plus(maxTokenTtl).toEpochMilli(), reason);
    }

    /**
     * Without {@code issuedBefore}: every token of the agent, including ones minted during the next maximum TTL
     * (a quarantine; after it, every token that existed at revoke time has expired). With it: tokens issued
     * before that instant, which are all expired by issuedBefore + the maximum TTL.
     */
    public static Revocation ofAgent(String agent, Optional<Instant> issuedBefore, Instant now, Duration maxTokenTtl,
                                     String reason) {
        long expires = issuedBefore.map(t -> t.plus(maxTokenTtl)).orElse(now.plus(maxTokenTtl)).toEpochMilli();
        return new Revocation(Kind.AGENT, agent, issuedBefore.map(Instant::toEpochMilli).orElse(ALL),
                now.toEpochMilli(), expires, reason);
    }

    /** Every token minted for {@code identity} while the entry lasts (the maximum token TTL from now). */
    public static Revocation ofIdentity(Identity identity, Instant now, Duration maxTokenTtl, String reason) {
        return new Revocation(Kind.IDENTITY, identitySubject(identity), ALL, now.toEpochMilli(),
                now.plus(maxTokenTtl).toEpochMilli(), reason);
    }

    /** The subject string of an IDENTITY entry (also the index key). */
    public static String identitySubject(Identity identity) {
        return identity.key();
    }

    /** The identity an IDENTITY entry names. */
    public static Identity identity(String subject) {
        return Identity.fromKey(subject);
    }

    /** The cluster map key: one entry per distinct revocation, so a merge by key is a union. */
    public String key() {
        return switch (kind) {
            case ID -> "id:" + subject;
            case TASK -> "task:" + subject;
            case IDENTITY -> "identity:" + subject;
            case AGENT -> "agent:" + (issuedBeforeMillis == ALL ? "*" : Long.toString(issuedBeforeMillis)) + ":" + subject;
        };
    }
}
