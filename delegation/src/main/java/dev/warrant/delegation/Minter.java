package dev.warrant.delegation;

import dev.warrant.delegation.internal.Datalog;
import io.vavr.control.Option;
import org.biscuitsec.biscuit.error.Error;
import org.biscuitsec.biscuit.token.Biscuit;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

import static dev.warrant.delegation.Vocabulary.*;

/**
 * Issues root tokens (docs/ARCHITECTURE.md §3.1). Thread safe.
 *
 * <pre>
 * agent("planner"); right("tool", "notes", "read_note"); task("T-42");
 * issued_at(2026-...); expires(2026-...);
 * check if time($t), $t &lt; 2026-...;   check if peer("spiffe://...");
 * </pre>
 */
public final class Minter {
    private final SigningKey key;
    private final Clock clock;
    private final Duration maxTtl;
    private final SecureRandom random = new SecureRandom();

    public Minter(SigningKey key, Clock clock, Duration maxTtl) {
        this.key = Objects.requireNonNull(key, "key");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxTtl = Objects.requireNonNull(maxTtl, "maxTtl");
        if (maxTtl.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("maximum TTL must be at least one second");
        }
    }

    /** @return the token, base64url */
    public String mint(MintSpec spec) {
        Objects.requireNonNull(spec, "spec");
        Duration ttl = spec.ttl();
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, got " + ttl);
        }
        if (ttl.compareTo(maxTtl) > 0) {
            throw new IllegalArgumentException("ttl " + ttl + " exceeds the maximum of " + maxTtl);
        }
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("ttl must be at least one second (token dates have second precision)");
        }
        Instant issuedAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant expires = issuedAt.plusSeconds(ttl.getSeconds());

        org.biscuitsec.biscuit.token.builder.Biscuit b =
                Biscuit.builder(random, key.keyPair(), Option.some(key.rootKeyId()));
        try {
            b.add_authority_fact(Datalog.fact(AGENT, Datalog.str(spec.agent())));
            for (Right r : spec.rights()) {
                b.add_authority_fact(Datalog.fact(RIGHT,
                        Datalog.str(r.kind()), Datalog.str(r.server()), Datalog.str(r.name())));
            }
            if (spec.task().isPresent()) {
                b.add_authority_fact(Datalog.fact(TASK, Datalog.str(spec.task().get())));
            }
            if (spec.identity().isPresent()) {
                Identity id = spec.identity().get();
                b.add_authority_fact(Datalog.fact(IDENTITY, Datalog.str(id.issuer()), Datalog.str(id.subject())));
            }
            b.add_authority_fact(Datalog.fact(ISSUED_AT, Datalog.date(issuedAt)));
            b.add_authority_fact(Datalog.fact(EXPIRES, Datalog.date(expires)));
            b.add_authority_check(Datalog.expiryCheck(TIME, expires));
            if (spec.peer().isPresent()) {
                b.add_authority_check(Datalog.checkIf(List.of(
                        Datalog.query(Datalog.pred(PEER, Datalog.str(spec.peer().get()))))));
            }
            return b.build().serialize_b64url();
        } catch (Error e) {
            throw new IllegalStateException("biscuit refused to build the token: " + e, e);
        }
    }
}
