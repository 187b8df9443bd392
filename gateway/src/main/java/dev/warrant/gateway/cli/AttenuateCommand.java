package dev.warrant.gateway.cli;

import dev.warrant.delegation.Delegator;
import dev.warrant.delegation.HopSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code warrant attenuate}: appends a delegation hop (with {@code --to}) or a self-attenuation to a token,
 * offline, and prints the new token. A hop can only narrow (docs/ARCHITECTURE.md §3.5).
 */
@Command(name = "attenuate", mixinStandardHelpOptions = true,
        description = "Narrow a token offline: delegate it to another agent (--to) or restrict it for yourself; "
                + "prints the new token.")
final class AttenuateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    TokenInput input;

    @Option(names = "--to", paramLabel = "AGENT", description = "The delegatee; without it, a self-attenuation.")
    String to;

    @Option(names = "--tool", paramLabel = "SERVER__NAME",
            description = "Allowed tool (repeatable), e.g. notes__read_note; notes__* = any tool of notes.")
    List<String> tools = new ArrayList<>();

    @Option(names = "--prompt", paramLabel = "SERVER__NAME", description = "Allowed prompt (repeatable).")
    List<String> prompts = new ArrayList<>();

    @Option(names = "--resource", paramLabel = "SERVER=PREFIX", description = "Allowed resource URI prefix (repeatable).")
    List<String> resources = new ArrayList<>();

    @Option(names = "--path-prefix", paramLabel = "ARG=PREFIX",
            description = "Argument ARG (a path, normalized) must start with PREFIX (repeatable).")
    List<String> pathPrefixes = new ArrayList<>();

    @Option(names = "--equals", paramLabel = "ARG=VALUE",
            description = "Argument ARG must equal VALUE (repeatable); digits = integer, \"quoted\" = string.")
    List<String> equals = new ArrayList<>();

    @Option(names = "--range", paramLabel = "ARG=MIN..MAX", description = "Integer argument ARG within MIN..MAX (repeatable).")
    List<String> ranges = new ArrayList<>();

    @Option(names = "--ttl", paramLabel = "DURATION", description = "The hop expires this long from now (PT15M, 15m).")
    String ttl;

    @Option(names = "--peer", paramLabel = "URI", description = "Bind the hop to a client certificate identity (URI SAN).")
    String peer;

    @Option(names = "--trace", paramLabel = "TRACEPARENT", description = "W3C traceparent of the delegating span.")
    String trace;

    @Override
    public Integer call() {
        String token = input.read();
        HopSpec hop = hop();
        String child;
        try {
            child = Delegator.attenuate(token, hop, Clock.systemUTC());
        } catch (IllegalArgumentException e) {
            throw new CliErrors.CliFailure("cannot attenuate: " + e.getMessage(), 2);
        }
        spec.commandLine().getOut().println(child);
        spec.commandLine().getOut().flush();
        return 0;
    }

    private HopSpec hop() {
        try {
            HopSpec.Builder b = to == null ? HopSpec.selfAttenuation() : HopSpec.delegateTo(to);
            for (String t : tools) {
                String[] sn = serverName("--tool", t);
                b.tools(sn[0], sn[1]);
            }
            for (String p : prompts) {
                String[] sn = serverName("--prompt", p);
                b.prompts(sn[0], sn[1]);
            }
            for (String r : resources) {
                String[] kv = pair("--resource", r, "SERVER=PREFIX");
                b.resources(kv[0], kv[1]);
            }
            for (String p : pathPrefixes) {
                String[] kv = pair("--path-prefix", p, "ARG=PREFIX");
                b.argPathPrefix(kv[0], kv[1]);
            }
            for (String e : equals) {
                String[] kv = pair("--equals", e, "ARG=VALUE");
                String v = kv[1];
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    b.argEquals(kv[0], v.substring(1, v.length() - 1));
                } else if (v.matches("-?[0-9]{1,18}")) {
                    b.argEquals(kv[0], Long.parseLong(v));
                } else {
                    b.argEquals(kv[0], v);
                }
            }
            for (String r : ranges) {
                String[] kv = pair("--range", r, "ARG=MIN..MAX");
                String[] mm = kv[1].split("\\.\\.", -1);
                if (mm.length != 2 || !mm[0].matches("-?[0-9]{1,18}") || !mm[1].matches("-?[0-9]{1,18}")) {
                    throw new CliErrors.CliFailure("--range '" + r + "' must be ARG=MIN..MAX with integers, e.g. limit=1..50", 2);
                }
                b.argRange(kv[0], Long.parseLong(mm[0]), Long.parseLong(mm[1]));
            }
            if (ttl != null) {
                b.ttl(MintCommand.duration("--ttl", ttl));
            }
            if (peer != null) {
                b.peer(peer);
            }
            if (trace != null) {
                b.trace(trace);
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new CliErrors.CliFailure(e.getMessage(), 2);
        }
    }

    private static String[] serverName(String option, String value) {
        int i = value.indexOf("__");
        if (i <= 0 || i + 2 >= value.length()) {
            throw new CliErrors.CliFailure(option + " '" + value + "' must be SERVER__NAME, e.g. notes__read_note", 2);
        }
        return new String[] {value.substring(0, i), value.substring(i + 2)};
    }

    private static String[] pair(String option, String value, String form) {
        int i = value.indexOf('=');
        if (i <= 0 || i + 1 >= value.length()) {
            throw new CliErrors.CliFailure(option + " '" + value + "' must be " + form, 2);
        }
        return new String[] {value.substring(0, i), value.substring(i + 1)};
    }

    /** Where a command reads its token: a file, or standard input with {@code -}. Never from a URL. */
    static final class TokenInput {
        private static final int MAX_BYTES = 1 << 20;

        @Option(names = "--token-file", paramLabel = "FILE", description = "File holding the token; - = standard input.")
        String file;

        @Option(names = "--token", paramLabel = "TOKEN",
                description = "The token itself, or - for standard input (a literal shows up in the process list).")
        String literal;

        String read() {
            if ((file == null) == (literal == null)) {
                throw new CliErrors.CliFailure("give the token with exactly one of --token-file FILE or --token -", 2);
            }
            String token;
            if ("-".equals(file) || "-".equals(literal)) {
                token = stdin();
            } else if (literal != null) {
                token = literal;
            } else {
                token = file(Path.of(file));
            }
            token = token.strip();
            if (token.isEmpty()) {
                throw new CliErrors.CliFailure("the token is empty", 2);
            }
            return token;
        }

        private static String stdin() {
            try {
                InputStream in = System.in;
                byte[] bytes = in.readNBytes(MAX_BYTES + 1);
                if (bytes.length > MAX_BYTES) {
                    throw new CliErrors.CliFailure("the token on standard input is larger than 1 MiB", 2);
                }
                return new String(bytes, StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                throw new CliErrors.CliFailure("cannot read standard input: " + e.getMessage(), 2);
            }
        }

        static String file(Path path) {
            try {
                if (Files.size(path) > MAX_BYTES) {
                    throw new CliErrors.CliFailure("token file is larger than 1 MiB: " + path, 2);
                }
                return Files.readString(path, StandardCharsets.ISO_8859_1);
            } catch (NoSuchFileException e) {
                throw new CliErrors.CliFailure("token file not found: " + path, 2);
            } catch (IOException e) {
                throw new CliErrors.CliFailure("cannot read token file " + path + ": " + e.getMessage(), 2);
            }
        }
    }
}
