package dev.warrant.delegation;

import net.i2p.crypto.eddsa.EdDSAPrivateKey;
import net.i2p.crypto.eddsa.math.ScalarOps;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Ed25519 signatures with their expensive half done ahead of time (docs/ARCHITECTURE.md §11.38). An Ed25519
 * signature is {@code R || S} with {@code R = rB} for a secret nonce {@code r} and {@code S = r + H(R, A, M) a};
 * the scalar multiplication {@code rB} is most of the cost and does not depend on the message. A background thread
 * keeps a queue of fresh {@code (r, R)} pairs; {@link #sign} takes one (each exactly once) and pays only a
 * SHA-512 and a scalar multiply-add. The signatures are ordinary Ed25519 signatures, verified by any RFC 8032
 * verifier; only the nonce is chosen differently: {@code r = SHA-512(prefix || 32 random bytes || counter)}
 * reduced mod L, where RFC 8032 hashes the prefix with the message. The key's secret prefix keeps the nonce
 * unpredictable even if the random source failed, and the random bytes and counter keep it unique.
 *
 * <p>When the queue is empty (a burst), {@link #sign} makes a nonce itself: the same cost as signing plainly.
 * Thread-safe; one background thread per signer, stopped by {@link #close()}.
 */
public final class PrecomputedSigner implements AutoCloseable {

    private record Nonce(byte[] r, byte[] rPoint) {
    }

    private final EdDSAPrivateKey key;
    private final ScalarOps scalars;
    private final BlockingQueue<Nonce> ready;
    private final SecureRandom random = new SecureRandom();
    private final Thread filler;
    private long counter;
    private volatile boolean closed;

    /** A signer for {@code key} keeping up to {@code depth} nonces ready, filled by a daemon thread. */
    public PrecomputedSigner(SigningKey key, int depth) {
        if (depth < 1) {
            throw new IllegalArgumentException("depth must be at least 1");
        }
        this.key = key.keyPair().private_key;
        this.scalars = this.key.getParams().getScalarOps();
        this.ready = new ArrayBlockingQueue<>(depth);
        this.filler = new Thread(this::fill, "warrant-signing-nonces");
        filler.setDaemon(true);
        filler.setPriority(Thread.MIN_PRIORITY);
        filler.start();
    }

    /** An Ed25519 signature (64 bytes) over {@code message}. */
    public byte[] sign(byte[] message) {
        Nonce nonce = ready.poll();
        if (nonce == null) {
            nonce = nonce();
        }
        MessageDigest sha = sha512();
        sha.update(nonce.rPoint());
        sha.update(key.getAbyte());
        byte[] h = scalars.reduce(sha.digest(message));
        byte[] s = scalars.multiplyAndAdd(h, key.geta(), nonce.r());
        byte[] signature = new byte[64];
        System.arraycopy(nonce.rPoint(), 0, signature, 0, 32);
        System.arraycopy(s, 0, signature, 32, 32);
        return signature;
    }

    private void fill() {
        try {
            while (!closed) {
                ready.put(nonce());
            }
        } catch (InterruptedException e) {
            // close(): stop filling.
        }
    }

    private Nonce nonce() {
        byte[] fresh = new byte[32];
        long n;
        synchronized (this) {
            random.nextBytes(fresh);
            n = ++counter;
        }
        MessageDigest sha = sha512();
        // The second half of SHA-512(seed) is RFC 8032's "prefix", the secret that also goes into its nonces.
        sha.update(key.getH(), 32, 32);
        sha.update(fresh);
        byte[] r = scalars.reduce(sha.digest(ByteBuffer.allocate(8).putLong(n).array()));
        return new Nonce(r, key.getParams().getB().scalarMultiply(r).toByteArray());
    }

    private static MessageDigest sha512() {
        try {
            return MessageDigest.getInstance("SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-512", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        filler.interrupt();
    }
}
