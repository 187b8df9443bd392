package dev.warrant.gateway.policy;

import dev.warrant.delegation.PolicyParseException;
import dev.warrant.delegation.PolicySet;
import dev.warrant.gateway.config.ConfigException;

import java.io.IOException;
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
        if (!Files.isDirectory(dir)) {
            throw new ConfigException("policies.dir: not a directory: " + dir);
        }
        List<PolicySet> sets = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(p -> p.getFileName().toString().endsWith(".datalog")).sorted().toList()) {
                sets.add(PolicySet.parse(Files.readString(file), file.getFileName().toString()));
            }
        } catch (PolicyParseException e) {
            throw new ConfigException("policy " + e.sourceName() + ":" + e.line() + ": " + e.getMessage());
        } catch (IOException e) {
            throw new ConfigException("policies.dir: cannot read " + dir + ": " + e.getMessage());
        }
        return PolicySet.concat(sets.toArray(PolicySet[]::new));
    }
}
