package dev.warrant.gateway.identity;

import dev.warrant.delegation.Claim;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A verified JWT's claims as the values the identity mapping sees: one {@link Claim} per top-level string,
 * integer or boolean, one per element of an array of those, and one per scope of the space-separated
 * {@code scope} claim (RFC 8693 §4.2, RFC 9068). Objects, fractions and nulls are left out (a mapping matches
 * on values, not on structure). Bounded: more than {@link #MAX_VALUES} values, or a value longer than
 * {@link #MAX_LENGTH}, is {@code jwt_claims_invalid}, so a token cannot make the mapping expensive.
 */
final class ClaimFacts {

    static final int MAX_VALUES = 256;
    static final int MAX_LENGTH = 1024;

    private ClaimFacts() {
    }

    static List<Claim> of(Map<String, Object> claims) {
        List<Claim> out = new ArrayList<>();
        for (Map.Entry<String, Object> e : claims.entrySet()) {
            String name = e.getKey();
            Object value = e.getValue();
            if (name.equals("scope") && value instanceof String scopes) {
                for (String scope : scopes.trim().split(" +")) {
                    if (!scope.isEmpty()) {
                        add(out, name, scope);
                    }
                }
            } else if (value instanceof List<?> list) {
                for (Object element : list) {
                    add(out, name, element);
                }
            } else {
                add(out, name, value);
            }
        }
        return out;
    }

    private static void add(List<Claim> out, String name, Object value) {
        if (!(value instanceof String || value instanceof Long || value instanceof Boolean)) {
            return;
        }
        if (name.length() > MAX_LENGTH || value instanceof String s && s.length() > MAX_LENGTH) {
            throw WarrantException.of(Reason.JWT_CLAIMS_INVALID, "claim " + Shown.of(name) + " is longer than "
                    + MAX_LENGTH + " characters");
        }
        if (out.size() == MAX_VALUES) {
            throw WarrantException.of(Reason.JWT_CLAIMS_INVALID, "more than " + MAX_VALUES + " claim values");
        }
        out.add(new Claim(name, value));
    }
}
