package dev.warrant.gateway.cli;

import dev.warrant.delegation.KeyFiles;
import dev.warrant.delegation.SigningKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code warrant keygen}: a new root signing key. {@code root.key} (owner-only) and {@code root.pub} hold no key
 * id; a chosen id is kept beside them in {@code root.id}, which {@code mint} and {@code inspect} read.
 */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = "Create a root signing key: DIR/root.key (private, 0600) and DIR/root.pub.")
final class KeygenCommand implements Callable<Integer> {
    /** Sidecar file with the key id chosen by --key-id (not secret). */
    static final String KEY_ID_FILE = "root.id";

    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for the key files.")
    Path out;

    @Option(names = "--key-id", paramLabel = "ID",
            description = "Key id ([A-Za-z0-9_.:-], up to 64); default: derived from the public key.")
    String keyId;

    @Option(names = "--force", description = "Replace an existing key (tokens signed with it stop verifying).")
    boolean force;

    @Override
    public Integer call() throws Exception {
        if (keyId != null) {
            try {
                SigningKey.generate(keyId); // validates the id before anything is touched
            } catch (IllegalArgumentException e) {
                throw new CliErrors.CliFailure("--key-id: " + e.getMessage(), 2);
            }
        }
        Path keyFile = out.resolve(KeyFiles.PRIVATE_KEY_FILE);
        Path pubFile = out.resolve(KeyFiles.PUBLIC_KEY_FILE);
        Path idFile = out.resolve(KEY_ID_FILE);
        if (Files.exists(keyFile) || Files.exists(pubFile)) {
            if (!force) {
                throw new CliErrors.CliFailure("refusing to overwrite the existing key in " + out
                        + " (use --force to replace it; tokens signed with it will stop verifying)", 1);
            }
            Files.deleteIfExists(keyFile);
            Files.deleteIfExists(pubFile);
        }
        Files.deleteIfExists(idFile);
        SigningKey key = KeyFiles.loadOrCreate(out);
        String id = keyId == null ? key.keyId() : keyId;
        if (keyId != null) {
            writeKeyId(idFile, keyId);
        }
        PrintWriter w = spec.commandLine().getOut();
        w.println("wrote " + keyFile + " (private, owner-only) and " + pubFile);
        w.println("key id: " + id);
        w.println("gateway config: keys: [ { id: " + id + ", publicKeyFile: " + pubFile.toAbsolutePath() + " } ]");
        w.flush();
        return 0;
    }

    private static void writeKeyId(Path file, String id) {
        try {
            Files.writeString(file, id + "\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new CliErrors.CliFailure("cannot write " + file + ": " + e.getMessage(), 1);
        }
    }

    /** The id kept in {@code dir/root.id} by {@code keygen --key-id}, if any. */
    static String keyIdBeside(Path keyOrPubFile) {
        Path dir = keyOrPubFile.toAbsolutePath().getParent();
        Path file = dir == null ? null : dir.resolve(KEY_ID_FILE);
        if (file == null || !Files.isRegularFile(file)) {
            return null;
        }
        try {
            String id = Files.readString(file, StandardCharsets.US_ASCII).trim();
            return id.isEmpty() ? null : id;
        } catch (IOException e) {
            throw new CliErrors.CliFailure("cannot read " + file + ": " + e.getMessage(), 2);
        }
    }
}
