package dev.warrant.delegation;

import dev.warrant.delegation.internal.Hex;
import dev.warrant.delegation.internal.KeyIds;
import org.biscuitsec.biscuit.crypto.PublicKey;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The root public keys accepted at the same time (key rotation). Immutable and thread safe.
 *
 * <p>A token names its root by integer key id. biscuit-java 4.0.1 drops that id when a token is attenuated
 * offline (defect 4), so a token without an id is tried against every key of the ring, in order.
 */
public final class KeyRing {
    private final Map<Integer, Entry> byId;
    private final List<Entry> all;

    record Entry(RootPublicKey key, PublicKey libraryKey) {}

    private KeyRing(List<RootPublicKey> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a key ring needs at least one root public key");
        }
        Map<Integer, Entry> map = new LinkedHashMap<>();
        for (RootPublicKey k : keys) {
            int id = KeyIds.toRootKeyId(k.keyId());
            Entry e = new Entry(k, new PublicKey(biscuit.format.schema.Schema.PublicKey.Algorithm.Ed25519,
                    Hex.decode(k.hex(), 32, "root public key")));
            Entry previous = map.putIfAbsent(id, e);
            if (previous != null && !previous.key().equals(k)) {
                throw new IllegalArgumentException("root key ids '" + previous.key().keyId() + "' and '"
                        + k.keyId() + "' map to the same token key id " + id + "; rename one of them");
            }
        }
        this.byId = Collections.unmodifiableMap(map);
        this.all = List.copyOf(map.values());
    }

    public static KeyRing of(RootPublicKey... keys) {
        return new KeyRing(List.of(keys));
    }

    public static KeyRing of(List<RootPublicKey> keys) {
        return new KeyRing(List.copyOf(keys));
    }

    public List<RootPublicKey> keys() {
        List<RootPublicKey> out = new ArrayList<>();
        for (Entry e : all) {
            out.add(e.key());
        }
        return List.copyOf(out);
    }

    Optional<Entry> byRootKeyId(int id) {
        return Optional.ofNullable(byId.get(id));
    }

    List<Entry> entries() {
        return all;
    }
}
