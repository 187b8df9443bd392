package dev.warrant.delegation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class KeyFilesTest {
    @TempDir
    Path tmp;

    @Test
    void createsAnOwnerOnlyPrivateKeyAndAReadablePublicKeyAndReloadsTheSameKey() throws Exception {
        Path dir = tmp.resolve("keys/nested");
        SigningKey created = KeyFiles.loadOrCreate(dir);
        Path keyFile = dir.resolve("root.key");
        Path pubFile = dir.resolve("root.pub");
        assertThat(Files.readString(keyFile).trim()).isEqualTo(created.privateKeyHex());
        assertThat(Files.readString(pubFile).trim()).isEqualTo(created.publicKey().hex());
        if (Files.getFileStore(keyFile).supportsFileAttributeView("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pubFile))).isEqualTo("rw-r--r--");
        }
        SigningKey loaded = KeyFiles.loadOrCreate(dir);
        assertThat(loaded.privateKeyHex()).isEqualTo(created.privateKeyHex());
        assertThat(loaded.keyId()).isEqualTo(created.keyId()).isEqualTo(KeyFiles.defaultKeyId(created.publicKey().hex()));
        assertThat(KeyFiles.load(keyFile, "7").keyId()).isEqualTo("7");
    }

    @Test
    void clearErrorsForMissingAndGarbledFiles() throws Exception {
        KeyFileException missing = catchThrowableOfType(KeyFileException.class, () -> KeyFiles.load(tmp.resolve("nope.key")));
        assertThat(missing.getMessage()).contains("not found").contains("nope.key").doesNotContain("\n");

        Path garbled = tmp.resolve("bad.key");
        Files.writeString(garbled, "this is not hex\n");
        KeyFileException bad = catchThrowableOfType(KeyFileException.class, () -> KeyFiles.load(garbled));
        assertThat(bad.getMessage()).contains("bad.key").contains("64 hex digits").doesNotContain("\n");

        Path dir = tmp.resolve("mismatch");
        KeyFiles.loadOrCreate(dir);
        Files.writeString(dir.resolve("root.pub"), SigningKey.generate("x").publicKey().hex());
        assertThat(catchThrowableOfType(KeyFileException.class, () -> KeyFiles.loadOrCreate(dir)).getMessage())
                .contains("does not match");
    }

    @Test
    void aKeySignsAndOnlyItsPublicKeyVerifiesThatMessage() throws Exception {
        SigningKey key = KeyFiles.loadOrCreate(tmp.resolve("audit.key"), tmp.resolve("audit.pub"));
        SigningKey other = SigningKey.generate("other");
        byte[] message = "{\"seq\":12,\"decision\":\"checkpoint\"".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] signature = key.sign(message);
        assertThat(signature).hasSize(64);
        assertThat(jdkVerifies(key.publicKey(), message, signature)).isTrue();
        byte[] changed = message.clone();
        changed[3]++;
        assertThat(jdkVerifies(key.publicKey(), changed, signature)).isFalse();
        assertThat(jdkVerifies(other.publicKey(), message, signature)).isFalse();
    }

    /** A standard Ed25519 verification (the JDK's), independent of the library that signed. */
    private static boolean jdkVerifies(RootPublicKey key, byte[] message, byte[] signature) throws Exception {
        byte[] spki = java.util.HexFormat.of().parseHex("302a300506032b6570032100" + key.hex());
        java.security.Signature check = java.security.Signature.getInstance("Ed25519");
        check.initVerify(java.security.KeyFactory.getInstance("Ed25519")
                .generatePublic(new java.security.spec.X509EncodedKeySpec(spki)));
        check.update(message);
        return check.verify(signature);
    }
}
