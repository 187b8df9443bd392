package dev.warrant.gateway.cluster;

import java.security.SecureRandom;

/**
 * The keys a {@link Sealer} seals with, by epoch: new texts are sealed under the current epoch's key, and a text
 * opens only while its epoch's key is still retained. Reads are local and never block (they run on event loops).
 */
public interface SealingKeys {

    /** A key and the epoch it belongs to. */
    record Key(long epoch, byte[] secret) {
    }

    /** The key new texts are sealed with. */
    Key current();

    /** The key of {@code epoch} while texts sealed under it are still accepted; null afterwards (or never known). */
    byte[] find(long epoch);

    /** One key forever (epoch 0), made here: one member, or a unit test. */
    static SealingKeys fixed() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        Key key = new Key(0, secret);
        return new SealingKeys() {
            @Override
            public Key current() {
                return key;
            }

            @Override
            public byte[] find(long epoch) {
                return epoch == 0 ? secret : null;
            }
        };
    }
}
