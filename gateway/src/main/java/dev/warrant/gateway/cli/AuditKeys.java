package dev.warrant.gateway.cli;

import dev.warrant.delegation.KeyFiles;
import dev.warrant.delegation.RootPublicKey;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Audit public keys for the verify commands, by key id: each file given, and the retired keys kept beside it
 * ({@code audit-<keyId>.pub}, left by {@code warrant audit rotate-key}), so a log or receipt from before a rotation
 * verifies with the state dir's {@code audit.pub} alone.
 */
final class AuditKeys {

    private AuditKeys() {
    }

    /** Adds {@code pub} and the {@code audit-*.pub} files in its directory. */
    static void addWithRetired(Map<String, RootPublicKey> keys, Path pub) {
        add(keys, pub);
        Path dir = pub.toAbsolutePath().getParent();
        if (dir == null) {
            return;
        }
        try (DirectoryStream<Path> retired = Files.newDirectoryStream(dir, "audit-*.pub")) {
            for (Path p : retired) {
                add(keys, p);
            }
        } catch (IOException e) {
            throw new CliErrors.CliFailure("cannot list " + dir + " for retired audit keys: " + e.getMessage(), 2);
        }
    }

    static void add(Map<String, RootPublicKey> keys, Path pub) {
        String hex;
        try {
            hex = Files.readString(pub, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            throw new CliErrors.CliFailure("cannot read key file " + pub, 2);
        }
        try {
            String id = KeyFiles.defaultKeyId(hex);
            keys.put(id, new RootPublicKey(id, hex));
        } catch (IllegalArgumentException e) {
            throw new CliErrors.CliFailure(pub + " is not an Ed25519 public key (expected 64 hex digits)", 2);
        }
    }
}
