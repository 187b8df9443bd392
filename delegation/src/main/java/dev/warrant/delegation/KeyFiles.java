package dev.warrant.delegation;

import dev.warrant.delegation.internal.Hex;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The issuer's key on disk: {@code root.key} holds the private key (64 hex digits, the Ed25519 seed) and
 * {@code root.pub} the public key (64 hex digits). Both are created owner-only (0600) where the file system
 * is POSIX; the private key file is created with those permissions atomically, never widened afterwards.
 *
 * <p>Key id: the files hold no id, so a loaded key gets a stable id derived from its public key
 * ({@link #defaultKeyId(String)}: "k" + the first 8 hex digits of SHA-256(public key)). Two different keys
 * therefore get different ids without configuration; use {@link #load(Path, String)} to choose one.
 */
public final class KeyFiles {
    public static final String PRIVATE_KEY_FILE = "root.key";
    public static final String PUBLIC_KEY_FILE = "root.pub";

    /** A private key: the owner's alone. */
    private static final String SECRET = "rw-------";
    /** A public key: verifiers and auditors under other accounts read it, as they read an SSH .pub file. */
    private static final String PUBLIC = "rw-r--r--";

    private KeyFiles() {}

    /** Loads {@code dir/root.key} (checking {@code dir/root.pub} if present), or creates both on first run. */
    public static SigningKey loadOrCreate(Path dir) throws KeyFileException {
        return loadOrCreate(dir.resolve(PRIVATE_KEY_FILE), dir.resolve(PUBLIC_KEY_FILE));
    }

    /**
     * As {@link #loadOrCreate(Path)} for another key pair than the root key's (the gateway's identity key:
     * {@code identity.key}, {@code identity.pub}).
     */
    public static SigningKey loadOrCreate(Path keyFile, Path pubFile) throws KeyFileException {
        Path dir = keyFile.toAbsolutePath().getParent();
        if (Files.exists(keyFile)) {
            SigningKey key = load(keyFile);
            if (Files.exists(pubFile)) {
                String pub = readOneLine(pubFile).toLowerCase(java.util.Locale.ROOT);
                if (!pub.equals(key.publicKey().hex())) {
                    throw new KeyFileException(pubFile + " does not match the public key of " + keyFile);
                }
            } else {
                write(pubFile, key.publicKey().hex(), PUBLIC);
            }
            return key;
        }
        if (Files.exists(pubFile)) {
            throw new KeyFileException(pubFile + " exists but " + keyFile + " is missing; refusing to replace the key");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new KeyFileException("cannot create key directory " + dir + ": " + e.getMessage(), e);
        }
        SigningKey fresh = SigningKey.generate("tmp");
        SigningKey key = SigningKey.fromHex(defaultKeyId(fresh.publicKey().hex()), fresh.privateKeyHex());
        write(keyFile, key.privateKeyHex(), SECRET);
        write(pubFile, key.publicKey().hex(), PUBLIC);
        return key;
    }

    /** Loads a private key file, with the key id derived from its public key. */
    public static SigningKey load(Path keyFile) throws KeyFileException {
        String hex = readOneLine(keyFile);
        SigningKey probe = parse(keyFile, "tmp", hex);
        return SigningKey.fromHex(defaultKeyId(probe.publicKey().hex()), hex);
    }

    public static SigningKey load(Path keyFile, String keyId) throws KeyFileException {
        return parse(keyFile, keyId, readOneLine(keyFile));
    }

    /** "k" + first 8 hex digits of SHA-256 over the 32 public key bytes. */
    public static String defaultKeyId(String publicKeyHex) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(Hex.decode(publicKeyHex, 32, "public key"));
            return "k" + Hex.encode(d).substring(0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }

    private static SigningKey parse(Path keyFile, String keyId, String hex) throws KeyFileException {
        try {
            return SigningKey.fromHex(keyId, hex);
        } catch (IllegalArgumentException e) {
            throw new KeyFileException(keyFile + " is not an Ed25519 private key (expected 64 hex digits)");
        }
    }

    private static String readOneLine(Path file) throws KeyFileException {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII).trim();
        } catch (NoSuchFileException e) {
            throw new KeyFileException("key file not found: " + file, e);
        } catch (IOException e) {
            throw new KeyFileException("cannot read key file " + file + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path file, String hex, String permissions) throws KeyFileException {
        byte[] content = (hex + "\n").getBytes(StandardCharsets.US_ASCII);
        try {
            boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
            if (posix) {
                // Owner-only while it is written; a public key is widened once complete. createFile applies the
                // umask, so the final mode is set explicitly.
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(SECRET)));
            } else {
                Files.createFile(file);
            }
            Files.write(file, content);
            if (posix) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
            }
        } catch (FileAlreadyExistsException e) {
            throw new KeyFileException("refusing to overwrite existing key file " + file, e);
        } catch (IOException e) {
            throw new KeyFileException("cannot write key file " + file + ": " + e.getMessage(), e);
        }
    }
}
