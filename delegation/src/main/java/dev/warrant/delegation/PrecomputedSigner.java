package dev.warrant.delegation;

import net.i2p.crypto.eddsa.EdDSAPrivateKey;
import net.i2p.crypto.eddsa.math.ScalarOps;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * Ed25519 signatures with their expensive half done ahead of time (docs/ARCHITECTURE.md §11.38). An Ed25519
 * signature is {@code R || S} with {@code R = rB} for a secret nonce {@code r} and {@code S = r + H(R, A, M) a};
 * the scalar multiplication {@code rB} is most of the cost and does not depend on the message. A background thread
 * keeps a queue of fresh {@code (r, R)} pairs; {@link #sign} takes one (each exactly once) and pays only a
 * SHA-512 and a scalar multiply-add. The signatures are ordinary Ed25519 signatures, verified by any RFC 8032
 * verifier; only the nonce is chosen differently (see {@link #nonce()}).
 *
 * <p>The queue is refilled in small bursts: the thread sleeps until {@link #REFILL} nonces were taken (at most half
 * the depth), then makes that many, yielding its core between two. Waking it for every signature, or for half the
 * queue at once, cost more latency on a loaded host (docs/PERFORMANCE.md, "Receipts").
 * When the queue is empty (a burst deeper than it), {@link #sign} makes a nonce itself: the cost of signing plainly.
 * Thread-safe; one background thread per signer, stopped by {@link #close()}.
 */
public final class PrecomputedSigner implements AutoCloseable {

    private record Nonce(byte[] r, byte[] rPoint) {
    }

    /** How many nonces are taken before the filler wakes to replace them. */
    static final int REFILL = 16;

    private final EdDSAPrivateKey key;
    private final ScalarOps scalars;
    private final BlockingQueue<Nonce> ready;
    private final int lowMark;
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
        this.lowMark = depth - Math.min(REFILL, Math.max(1, depth / 2));
        this.filler = new Thread(this::fill, "warrant-signing-nonces");
        filler.setDaemon(true);
        filler.start();
    }

    /** An Ed25519 signature (64 bytes) over {@code message}. */
    public byte[] sign(byte[] message) {
        Nonce nonce = ready.poll();
        if (nonce == null) {
            nonce = nonce();
        }
        if (ready.size() <= lowMark) {
            LockSupport.unpark(filler);
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

    /** Nonces ready now (for tests). */
    int readyCount() {
        return ready.size();
    }

    /** Fills the queue, then sleeps until {@link #sign} takes it down to the low mark (or {@link #close()}). */
    private void fill() {
        while (!closed) {
            // Only this thread adds: a nonce made while there is room always fits.
            while (!closed && ready.remainingCapacity() > 0) {
                ready.offer(nonce());
                // Between nonces, a thread the answer's path woke on this core goes first (§11.38).
                Thread.yield();
            }
            LockSupport.park(this);
        }
    }

    /**
     * A fresh {@code (r, rB)}. The base-point multiplication is BouncyCastle's (a constant-time comb over
     * precomputed multiples of B, twice as fast here as i2p's), reached through its public signing call: an Ed25519
     * signature by a throwaway secret {@code t} over the empty message starts with {@code R = rB}, where
     * {@code r = SHA-512(SHA-512(t)[32..64]) mod L}, which this class computes itself; the rest of that signature is
     * discarded. {@code t = SHA-512(prefix || 32 random bytes || counter)[0..32]}: the audit key's secret
     * {@code prefix} (RFC 8032's, the second half of SHA-512 of its seed) keeps the nonce unpredictable even if
     * the random source failed, and the random bytes and counter keep it unique.
     */
    private Nonce nonce() {
        byte[] fresh = new byte[32];
        long n;
        synchronized (this) {
            random.nextBytes(fresh);
            n = ++counter;
        }
        MessageDigest sha = sha512();
        sha.update(key.getH(), 32, 32);
        sha.update(fresh);
        byte[] throwaway = Arrays.copyOf(sha.digest(ByteBuffer.allocate(8).putLong(n).array()), 32);
        byte[] expanded = sha.digest(throwaway);
        sha.update(expanded, 32, 32);
        byte[] r = scalars.reduce(sha.digest());
        byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
        // The public key only enters the discarded S: any 32 bytes do.
        Ed25519.sign(throwaway, 0, new byte[Ed25519.PUBLIC_KEY_SIZE], 0, new byte[0], 0, 0, signature, 0);
        return new Nonce(r, Arrays.copyOf(signature, 32));
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
        LockSupport.unpark(filler);
    }
}
