package dev.warrant.gateway.identity;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The public keys of one JWKS document, by {@code kid}. Keys nimbus cannot read (an unknown {@code kty}, a
 * broken member) and symmetric keys are left out, so one odd entry does not cost the issuer its other keys;
 * private members an IdP should never publish are dropped. Keys without a {@code kid} are kept out too: a
 * token must name its key.
 */
record KeySet(Map<String, List<JWK>> byKid) {

    static final KeySet EMPTY = new KeySet(Map.of());

    /** A JWKS is a flat document; anything deeper is not one. */
    private static final int MAX_DEPTH = 8;

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build());

    KeySet {
        Map<String, List<JWK>> copy = new LinkedHashMap<>();
        byKid.forEach((kid, keys) -> copy.put(kid, List.copyOf(keys)));
        byKid = Map.copyOf(copy);
    }

    List<JWK> get(String kid) {
        return byKid.getOrDefault(kid, List.of());
    }

    /**
     * @throws IllegalArgumentException when the document is not a JWKS or has more than {@code maxKeys} keys
     */
    @SuppressWarnings("unchecked")
    static KeySet parse(byte[] json, int maxKeys) {
        Object keys;
        try {
            Object root = JSON.readValue(json, Object.class);
            keys = root instanceof Map<?, ?> m ? m.get("keys") : null;
        } catch (IOException e) {
            throw new IllegalArgumentException("JWKS is not JSON within the limits");
        }
        if (!(keys instanceof List<?> list)) {
            throw new IllegalArgumentException("JWKS has no keys array");
        }
        if (list.size() > maxKeys) {
            throw new IllegalArgumentException("JWKS has " + list.size() + " keys, more than " + maxKeys);
        }
        Map<String, List<JWK>> byKid = new LinkedHashMap<>();
        for (Object entry : list) {
            if (!(entry instanceof Map<?, ?> member)) {
                continue;
            }
            JWK jwk;
            try {
                jwk = JWK.parse((Map<String, Object>) member);
            } catch (java.text.ParseException | RuntimeException e) {
                continue;
            }
            if (jwk.getKeyID() == null || jwk.getKeyType() == KeyType.OCT) {
                continue;
            }
            JWK publicOnly = jwk.isPrivate() ? jwk.toPublicJWK() : jwk;
            byKid.computeIfAbsent(jwk.getKeyID(), k -> new ArrayList<>()).add(publicOnly);
        }
        return new KeySet(byKid);
    }
}
