package dev.warrant.gateway.identity;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A JWT's JSON parts read within limits, and its registered claims read by type (RFC 7519 §4.1). A claim of
 * the wrong type is {@code jwt_claims_invalid}, never treated as absent.
 */
final class JwtClaims {

    private final ObjectMapper mapper;
    private final int maxValues;
    private final int maxDepth;

    /** Built once per verifier: a mapper is costly to make and safe to share. */
    JwtClaims(int maxValues, int maxDepth) {
        this.maxValues = maxValues;
        this.maxDepth = maxDepth;
        this.mapper = new ObjectMapper(JsonFactory.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxDepth).build())
                .build());
    }

    /**
     * The JSON object as a deeply immutable map; a duplicate member is refused (a second {@code iss} or
     * {@code aud} must not win over the first).
     */
    Map<String, Object> parse(byte[] json, String what) {
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (StreamConstraintsException e) {
            throw WarrantException.of(Reason.JWT_CLAIMS_INVALID, what + " nested deeper than " + maxDepth);
        } catch (IOException e) {
            throw WarrantException.of(Reason.JWT_MALFORMED, what + " is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw WarrantException.of(Reason.JWT_MALFORMED, what + " is not a JSON object");
        }
        int[] budget = {maxValues};
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) value(root, budget, what, maxValues);
        return map;
    }

    private static Object value(JsonNode node, int[] budget, String what, int maxValues) {
        if (--budget[0] < 0) {
            throw WarrantException.of(Reason.JWT_TOO_LARGE, what + " has more than " + maxValues + " values");
        }
        if (node.isObject()) {
            Map<String, Object> out = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                out.put(f.getKey(), value(f.getValue(), budget, what, maxValues));
            }
            return Collections.unmodifiableMap(out);
        }
        if (node.isArray()) {
            List<Object> out = new ArrayList<>(node.size());
            for (JsonNode element : node) {
                out.add(value(element, budget, what, maxValues));
            }
            return Collections.unmodifiableList(out);
        }
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? (Object) node.asLong() : node.bigIntegerValue();
        }
        if (node.isNumber()) {
            return node.asDouble();
        }
        return null;
    }

    /** A string claim; absent is empty, any other type is invalid. */
    static Optional<String> string(Map<String, Object> claims, String name) {
        Object v = claims.get(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof String s)) {
            throw WarrantException.of(Reason.JWT_CLAIMS_INVALID, name + " must be a string");
        }
        return Optional.of(s);
    }

    /** A NumericDate (seconds since the epoch, fractions allowed); absent is empty. */
    static Optional<Instant> numericDate(Map<String, Object> claims, String name) {
        Object v = claims.get(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof Number n) || v instanceof Double d && (d.isNaN() || d.isInfinite())) {
            throw WarrantException.of(Reason.JWT_CLAIMS_INVALID, name + " must be a number of seconds");
        }
        BigDecimal seconds = new BigDecimal(n.toString());
        // Beyond year 9999 (or before 0) is no date an IdP means; refusing it keeps Instant arithmetic in range.
        if (seconds.compareTo(BigDecimal.ZERO) < 0 || seconds.compareTo(BigDecimal.valueOf(253_402_300_799L)) > 0) {
            throw WarrantException.of(Reason.JWT_CLAIMS_INVALID, name + " is out of range");
        }
        return Optional.of(Instant.ofEpochSecond(seconds.longValue()));
    }

    /** {@code aud}: one string or an array of strings (RFC 7519 §4.1.3); absent is empty. */
    static List<String> audience(Map<String, Object> claims) {
        Object v = claims.get("aud");
        if (v == null) {
            return List.of();
        }
        if (v instanceof String s) {
            return List.of(s);
        }
        if (v instanceof List<?> list && list.stream().allMatch(e -> e instanceof String)) {
            return list.stream().map(String.class::cast).toList();
        }
        throw WarrantException.of(Reason.JWT_CLAIMS_INVALID, "aud must be a string or an array of strings");
    }
}
