package dev.warrant.gateway.record;

import dev.warrant.delegation.KeyFileException;
import dev.warrant.delegation.KeyFiles;
import dev.warrant.delegation.SigningKey;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Who seals this member's audit log: its stable member id ({@code audit.member}, a random UUID written on first
 * start) and its audit key ({@code audit.key}, {@code audit.pub}, Ed25519, 0600), both in the state dir. The member
 * id is per state dir, not Hazelcast's per-start uuid, so a restarted member continues its own chain.
 */
public record AuditSeal(String memberId, SigningKey key) {

    public static final String KEY_FILE = "audit.key";
    public static final String PUB_FILE = "audit.pub";
    public static final String MEMBER_FILE = "audit.member";

    /**
     * Loads the seal from {@code dir}, creating what is missing on first start.
     *
     * @throws KeyFileException when a file exists but cannot be read or is not what it should be
     */
    public static AuditSeal loadOrCreate(Path dir) throws KeyFileException {
        finishCutShortRotation(dir);
        SigningKey key = KeyFiles.loadOrCreate(dir.resolve(KEY_FILE), dir.resolve(PUB_FILE));
        return new AuditSeal(memberId(dir.resolve(MEMBER_FILE)), key);
    }

    /**
     * What {@link #rotate} did: the retired key's id and where its public key is kept, and the new key's id; or,
     * when it found a rotation cut short between its two renames, only the new key's id ({@code finished}).
     */
    public record Rotation(String oldKeyId, Path keptPub, String newKeyId, boolean finished) {
    }

    /**
     * Replaces the audit key in {@code dir} (docs/ARCHITECTURE.md §11.37): the old public key is kept as
     * {@code audit-<keyId>.pub} (found by {@code warrant audit verify} next to {@code audit.pub}), a new
     * {@code audit.key} and {@code audit.pub} take the old ones' place, and the old private key is gone. A running
     * member signs with the key it loaded until it restarts.
     *
     * @throws KeyFileException when there is no audit key to rotate or a file cannot be written
     */
    public static Rotation rotate(Path dir) throws KeyFileException {
        Path keyFile = dir.resolve(KEY_FILE);
        Path pubFile = dir.resolve(PUB_FILE);
        String finished = finishCutShortRotation(dir);
        if (finished != null) {
            return new Rotation(null, null, finished, true);
        }
        if (!Files.exists(keyFile)) {
            throw new KeyFileException("no audit key to rotate: " + keyFile + " does not exist");
        }
        SigningKey old = KeyFiles.loadOrCreate(keyFile, pubFile);
        Path kept = dir.resolve(retiredPubFile(old.keyId()));
        Path newKey = dir.resolve(KEY_FILE + ".new");
        Path newPub = dir.resolve(PUB_FILE + ".new");
        try {
            // A rotation cut short leaves a .new pair: used as is, it is as good as a fresh one.
            SigningKey fresh = KeyFiles.loadOrCreate(newKey, newPub);
            if (!Files.exists(kept)) {
                Files.writeString(kept, old.publicKey().hex() + "\n", StandardCharsets.US_ASCII);
            }
            Files.move(newPub, pubFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Files.move(newKey, keyFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return new Rotation(old.keyId(), kept, fresh.keyId(), false);
        } catch (IOException e) {
            throw new KeyFileException("cannot rotate the audit key in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Completes a rotation stopped between its two renames (new {@code audit.pub} in place, new private key still
     * {@code audit.key.new}): the pair on disk would not match, and the member could not start. Returns the new
     * key's id, or null when there was nothing to finish.
     */
    private static String finishCutShortRotation(Path dir) throws KeyFileException {
        Path newKey = dir.resolve(KEY_FILE + ".new");
        Path pubFile = dir.resolve(PUB_FILE);
        if (!Files.exists(newKey) || Files.exists(dir.resolve(PUB_FILE + ".new")) || !Files.exists(pubFile)) {
            return null;
        }
        SigningKey fresh = KeyFiles.load(newKey);
        try {
            if (!fresh.publicKey().hex().equals(Files.readString(pubFile, StandardCharsets.US_ASCII).trim())) {
                return null; // audit.pub is still the old key's: the next rotate-key reuses the .new pair
            }
            Files.move(newKey, dir.resolve(KEY_FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return fresh.keyId();
        } catch (IOException e) {
            throw new KeyFileException("cannot finish the audit key rotation in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Where a retired audit public key is kept: {@code audit-<keyId>.pub}. */
    public static String retiredPubFile(String keyId) {
        return "audit-" + keyId + ".pub";
    }

    private static String memberId(Path file) throws KeyFileException {
        try {
            if (!Files.exists(file)) {
                try {
                    Files.writeString(file, UUID.randomUUID() + "\n", StandardCharsets.US_ASCII,
                            java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
                } catch (FileAlreadyExistsException raced) {
                    // another start wrote it first: read theirs
                }
            }
            String id = Files.readString(file, StandardCharsets.US_ASCII).trim();
            UUID.fromString(id);
            return id;
        } catch (IllegalArgumentException e) {
            throw new KeyFileException(file + " is not an audit member id (expected a UUID)");
        } catch (IOException e) {
            throw new KeyFileException("cannot read audit member id " + file + ": " + e.getMessage(), e);
        }
    }
}
