package dev.warrant.delegation;

/**
 * A fixed root key for tests in sibling packages (fuzz, property) whose runs must replay to the same tokens. It lives
 * in the test sources of this package because {@link SigningKey#fromHex} is package-private: production code loads
 * keys only through {@link KeyFiles}.
 */
public final class FixedTestKey {
    /** RFC 8032 test vector 1's secret key; never a real key. */
    private static final String SEED = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

    private FixedTestKey() {}

    public static SigningKey root(String keyId) {
        return SigningKey.fromHex(keyId, SEED);
    }
}
