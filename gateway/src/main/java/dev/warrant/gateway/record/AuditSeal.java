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
        SigningKey key = KeyFiles.loadOrCreate(dir.resolve(KEY_FILE), dir.resolve(PUB_FILE));
        return new AuditSeal(memberId(dir.resolve(MEMBER_FILE)), key);
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
