package dev.warrant.gateway.cli;

import dev.warrant.delegation.KeyFiles;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.Right;
import dev.warrant.delegation.SigningKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code warrant mint}: issues a root token (docs/ARCHITECTURE.md §3.1) and prints it. */
@Command(name = "mint", mixinStandardHelpOptions = true,
        description = "Issue a token for an agent, signed with the root key; prints the token.")
final class MintCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--key", required = true, paramLabel = "FILE", description = "The root private key (root.key).")
    Path key;

    @Option(names = "--key-id", paramLabel = "ID",
            description = "Key id; default: root.id beside the key file, else derived from the public key.")
    String keyId;

    @Option(names = "--agent", required = true, paramLabel = "NAME", description = "The agent the token is issued to.")
    String agent;

    @Option(names = "--right", paramLabel = "KIND:SERVER:NAME",
            description = "A right (repeatable): kind tool|resource|prompt|admin|provider; NAME * = any; for resources a URI prefix.")
    List<String> rights = List.of();

    @Option(names = "--provider", paramLabel = "UPSTREAM",
            description = "A tool provider's right (repeatable) to register and remove this upstream name through the "
                    + "admin API (PUT/DELETE /admin/upstreams/UPSTREAM); * = any name.")
    List<String> providerOf = List.of();

    @Option(names = "--task", paramLabel = "T", description = "Task context recorded in the token.")
    String task;

    @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "PT1H",
            description = "Lifetime, ISO-8601 (PT1H) or short (15m, 1h, 30s) (default: ${DEFAULT-VALUE}).")
    String ttl;

    @Option(names = "--max-ttl", paramLabel = "DURATION", defaultValue = "PT24H",
            description = "Refuse a --ttl above this (default: ${DEFAULT-VALUE}).")
    String maxTtl;

    @Option(names = "--peer", paramLabel = "URI", description = "Bind the token to a client certificate identity (URI SAN).")
    String peer;

    @Override
    public Integer call() throws Exception {
        Duration lifetime = duration("--ttl", ttl);
        Duration maximum = duration("--max-ttl", maxTtl);
        if (lifetime.compareTo(maximum) > 0) {
            throw new CliErrors.CliFailure("--ttl " + lifetime + " exceeds --max-ttl " + maximum, 2);
        }
        if (rights.isEmpty() && providerOf.isEmpty()) {
            throw new CliErrors.CliFailure("at least one --right or --provider is required", 2);
        }
        MintSpec.Builder b = MintSpec.builder(agent).ttl(lifetime);
        for (String r : rights) {
            b.right(right(r));
        }
        for (String upstream : providerOf) {
            // Same rule as upstream names (tool prefixes): a right for a name that can never exist is a typo.
            if (!upstream.equals("*") && (!upstream.matches("[a-z0-9][a-z0-9_-]{0,31}") || upstream.contains("__"))) {
                throw new CliErrors.CliFailure("--provider '" + upstream
                        + "' must be an upstream name ([a-z0-9][a-z0-9_-]{0,31}, no \"__\") or *", 2);
            }
            try {
                b.provider(upstream);
            } catch (IllegalArgumentException e) {
                throw new CliErrors.CliFailure("--provider '" + upstream + "': " + e.getMessage(), 2);
            }
        }
        if (task != null) {
            b.task(task);
        }
        if (peer != null) {
            b.peer(peer);
        }
        MintSpec mintSpec = b.build();
        String id = keyId != null ? keyId : KeygenCommand.keyIdBeside(key);
        SigningKey signingKey = id == null ? KeyFiles.load(key) : KeyFiles.load(key, id);
        String token = new Minter(signingKey, Clock.systemUTC(), maximum).mint(mintSpec);
        spec.commandLine().getOut().println(token);
        spec.commandLine().getOut().flush();
        return 0;
    }

    static Right right(String value) {
        String[] p = value.split(":", 3);
        if (p.length != 3 || p[0].isBlank() || p[1].isBlank() || p[2].isBlank()) {
            throw new CliErrors.CliFailure("--right '" + value
                    + "' must be KIND:SERVER:NAME, e.g. tool:notes:read_note or resource:fs:file:///repo/", 2);
        }
        try {
            return new Right(p[0], p[1], p[2]);
        } catch (IllegalArgumentException e) {
            throw new CliErrors.CliFailure("--right '" + value + "': " + e.getMessage(), 2);
        }
    }

    /** ISO-8601 ({@code PT15M}) or a number with one unit s, m, h, d ({@code 15m}). */
    static Duration duration(String option, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        Duration d;
        try {
            if (v.matches("[0-9]{1,9}[smhd]")) {
                long n = Long.parseLong(v.substring(0, v.length() - 1));
                d = switch (v.charAt(v.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            } else {
                d = Duration.parse(value.trim());
            }
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new CliErrors.CliFailure(option + " '" + value + "' is not a duration (use e.g. PT15M or 15m)", 2);
        }
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new CliErrors.CliFailure(option + " must be at least one second, got " + value, 2);
        }
        return d;
    }
}
