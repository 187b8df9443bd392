package dev.warrant.delegation;

import biscuit.format.schema.Schema;
import dev.warrant.delegation.internal.RawToken;
import dev.warrant.delegation.internal.SignatureCanonicity;
import dev.warrant.delegation.internal.TokenShape;
import org.biscuitsec.biscuit.datalog.SymbolTable;
import org.biscuitsec.biscuit.error.Error;
import org.biscuitsec.biscuit.token.Biscuit;

import java.security.InvalidKeyException;
import java.security.SignatureException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The only producer of {@link VerifiedToken}. Thread safe; cheap to share.
 *
 * <p>Order: size (before any decoding) -> base64url -> protobuf -> canonical signatures (defect 2) -> root key
 * by id, or every ring key when the id is absent (defect 4) -> signatures, through
 * {@code Biscuit.from_bytes_with_symbols} only (never {@code UnverifiedBiscuit.verify}, defect 1) -> block shape
 * (one predicate per rule body and check query: bounded evaluation, see {@code internal.TokenShape}) -> token
 * contract (agent, dates, chain continuity, depth) -> expiry and maximum TTL against the injected clock.
 */
public final class Verifier {
    private final KeyRing ring;
    private final VerifierSettings settings;
    private final Clock clock;

    public Verifier(KeyRing ring, VerifierSettings settings, Clock clock) {
        this.ring = Objects.requireNonNull(ring, "ring");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public VerifiedToken verify(String base64urlToken) throws TokenException {
        if (base64urlToken == null || base64urlToken.isEmpty()) {
            throw new TokenException(TokenReason.MALFORMED, "token is empty");
        }
        if (base64urlToken.length() > settings.maxTokenBytes()) {
            throw new TokenException(TokenReason.TOO_LARGE, "token is larger than " + settings.maxTokenBytes() + " bytes");
        }
        try {
            return verifyDecoded(decode(base64urlToken));
        } catch (TokenException e) {
            throw e;
        } catch (Exception | StackOverflowError e) {
            // Fail closed on anything the library throws that we did not anticipate.
            throw new TokenException(TokenReason.MALFORMED, "token could not be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    private VerifiedToken verifyDecoded(byte[] bytes) throws TokenException {
        Schema.Biscuit raw;
        try {
            raw = RawToken.parse(bytes);
        } catch (Exception e) {
            throw new TokenException(TokenReason.MALFORMED, "token is not a Biscuit token");
        }
        Optional<String> nonCanonical = SignatureCanonicity.firstNonCanonical(raw);
        if (nonCanonical.isPresent()) {
            throw new TokenException(TokenReason.NON_CANONICAL_SIGNATURE, nonCanonical.get() + " is not canonical (S >= L)");
        }
        Verified verified = verifySignatures(bytes, RawToken.rootKeyId(raw));
        Optional<String> tooComplex = TokenShape.firstViolation(raw);
        if (tooComplex.isPresent()) {
            throw new TokenException(TokenReason.MALFORMED, tooComplex.get());
        }
        Chain chain;
        try {
            chain = ChainReader.readStrict(RawToken.facts(raw));
        } catch (IllegalArgumentException e) {
            throw new TokenException(TokenReason.MALFORMED, e.getMessage());
        }
        checkContract(chain);
        List<String> revocationIds = new ArrayList<>();
        verified.biscuit().revocation_identifiers().forEach(id -> revocationIds.add(id.toHex()));
        return new VerifiedToken(verified.biscuit(), chain, revocationIds, verified.keyId());
    }

    private record Verified(Biscuit biscuit, String keyId) {}

    private Verified verifySignatures(byte[] bytes, OptionalInt rootKeyId) throws TokenException {
        if (rootKeyId.isPresent()) {
            KeyRing.Entry entry = ring.byRootKeyId(rootKeyId.getAsInt()).orElseThrow(() ->
                    new TokenException(TokenReason.UNKNOWN_ROOT_KEY, "token names root key id " + rootKeyId.getAsInt()
                            + ", which is not in the key ring"));
            return new Verified(verifyWith(bytes, entry), entry.key().keyId());
        }
        // Defect 4: the id was lost on offline attenuation; the authority signature picks the key.
        TokenException last = null;
        for (KeyRing.Entry entry : ring.entries()) {
            try {
                return new Verified(verifyWith(bytes, entry), entry.key().keyId());
            } catch (TokenException e) {
                if (e.reason() != TokenReason.SIGNATURE_INVALID) {
                    throw e;
                }
                last = e;
            }
        }
        throw Objects.requireNonNull(last);
    }

    private static Biscuit verifyWith(byte[] bytes, KeyRing.Entry entry) throws TokenException {
        try {
            return Biscuit.from_bytes_with_symbols(bytes, entry.libraryKey(), new SymbolTable());
        } catch (Error.FormatError.Signature | Error.FormatError.SealedSignature
                 | Error.FormatError.InvalidSignatureSize | SignatureException | InvalidKeyException e) {
            throw new TokenException(TokenReason.SIGNATURE_INVALID, "signature verification failed");
        } catch (Error e) {
            throw new TokenException(TokenReason.MALFORMED, "token is not a valid Biscuit token (" + e.getClass().getSimpleName() + ")");
        } catch (Exception e) {
            throw new TokenException(TokenReason.MALFORMED, "token could not be verified (" + e.getClass().getSimpleName() + ")");
        }
    }

    private void checkContract(Chain chain) throws TokenException {
        if (chain.issuedAt().isEmpty() || chain.expiresAt().isEmpty()) {
            throw new TokenException(TokenReason.MISSING_EXPIRY, "token lacks issued_at or expires");
        }
        if (chain.depth() > settings.maxDepth()) {
            throw new TokenException(TokenReason.CHAIN_TOO_DEEP, "chain has " + chain.depth()
                    + " delegation hops; the maximum is " + settings.maxDepth());
        }
        Instant now = clock.instant();
        Instant expires = chain.expiresAt().get();
        if (!expires.isAfter(now)) {
            throw new TokenException(TokenReason.EXPIRED, "token expired at " + expires);
        }
        if (Duration.between(now, expires).compareTo(settings.maxTtl()) > 0) {
            throw new TokenException(TokenReason.TTL_EXCEEDED, "token expires at " + expires
                    + ", beyond the maximum TTL of " + settings.maxTtl());
        }
    }

    private static byte[] decode(String token) throws TokenException {
        try {
            return Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            throw new TokenException(TokenReason.MALFORMED, "token is not base64url");
        }
    }
}
