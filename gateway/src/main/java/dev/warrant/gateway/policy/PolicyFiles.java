package dev.warrant.gateway.policy;

import dev.warrant.delegation.PolicyParseException;
import dev.warrant.delegation.PolicySet;
import dev.warrant.gateway.config.ConfigException;
import dev.warrant.gateway.crypto.Sha256;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Loads {@code *.datalog} policy files from a directory, in file-name order (so operators control the
 * order in which allow/deny policies are tried). A file that does not parse stops the start with its name,
 * line and message. (Hot reload is the policy issue's.)
 */
public final class PolicyFiles {

    private PolicyFiles() {
    }

    public static PolicySet load(Path dir) {
        try {
            return read(dir).policies();
        } catch (PolicyParseException e) {
            throw new ConfigException("policy " + e.sourceName() + ":" + e.line() + ": " + e.getMessage());
        }
    }

    /**
     * The directory's policies with the names of their files and a SHA-256 over names and contents (each file
     * read once, so the digest names exactly the set that was parsed).
     *
     * @throws PolicyParseException a statement that does not parse, with its file and line
     */
    static Loaded read(Path dir) throws PolicyParseException {
        if (!Files.isDirectory(dir)) {
            throw new ConfigException("policies.dir: not a directory: " + dir);
        }
        List<PolicySet> sets = new ArrayList<>();
        List<String> names = new ArrayList<>();
        MessageDigest sha256 = Sha256.newDigest();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(p -> p.getFileName().toString().endsWith(".datalog")).sorted().toList()) {
                String name = file.getFileName().toString();
                byte[] bytes = Files.readAllBytes(file);
                sha256.update(name.getBytes(StandardCharsets.UTF_8));
                sha256.update((byte) 0);
                sha256.update(bytes);
                sha256.update((byte) 0);
                names.add(name);
                sets.add(PolicySet.parse(new String(bytes, StandardCharsets.UTF_8), name));
            }
        } catch (IOException e) {
            throw new ConfigException("policies.dir: cannot read " + dir + ": " + e.getMessage());
        }
        return new Loaded(PolicySet.concat(sets.toArray(PolicySet[]::new)), List.copyOf(names),
                "sha256:" + HexFormat.of().formatHex(sha256.digest()));
    }

    /** What one read of the directory found. */
    record Loaded(PolicySet policies, List<String> files, String sha256) {
    }
}
