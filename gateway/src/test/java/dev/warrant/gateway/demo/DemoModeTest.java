package dev.warrant.gateway.demo;

import dev.warrant.gateway.cli.WarrantCli;
import dev.warrant.otel.Telemetry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code warrant demo} as a user meets it: the files it writes, the key it reuses, and the commands it
 * prints, run as printed (through the CLI's {@code call} command, a real MCP Java SDK client).
 */
class DemoModeTest {

    @TempDir
    Path dir;

    @Test
    void demoWritesKeysAndTokensAndItsPrintedCommandsWork() throws Exception {
        String firstPublicKey;
        try (DemoMode.Demo demo = DemoMode.start(0, dir, Telemetry.noop(), Clock.systemUTC())) {
            for (String file : List.of("root.key", "root.pub", "planner.token", "researcher.token", "admin.token")) {
                assertThat(dir.resolve(file)).as(file).exists();
            }
            assertThat(Files.getPosixFilePermissions(dir.resolve("root.key")))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            firstPublicKey = Files.readString(dir.resolve("root.pub")).trim();
            assertThat(firstPublicKey).matches("[0-9a-f]{64}");

            StringWriter printed = new StringWriter();
            DemoMode.printWelcome(demo, new java.io.PrintStream(new java.io.ByteArrayOutputStream()) {
                @Override
                public void println(String x) {
                    printed.append(x).append('\n');
                }
            });
            List<String> commands = printed.toString().lines().map(String::strip)
                    .filter(l -> l.startsWith("./warrant call")).toList();
            assertThat(commands).hasSize(2);

            Result allowed = runPrinted(commands.get(0));
            assertThat(allowed.exit).as(allowed.err).isZero();
            assertThat(allowed.out).contains("notes__read_note").doesNotContain("notes__write_note")
                    .contains("Hello from Warrant");

            Result refused = runPrinted(commands.get(1));
            assertThat(refused.exit).isEqualTo(1);
            assertThat(refused.err).contains("constraint_failed").doesNotContain("Exception");

            // The refusal's receipt was kept; the printed commands check it offline and find its audit line.
            assertThat(refused.out).contains("Receipt (deny, audit line ").contains("refusal.receipt.json");
            String receiptCheck = printedLine(printed, "./warrant receipt verify");
            Result valid = runPrinted(receiptCheck);
            assertThat(valid.exit).as(valid.err).isZero();
            assertThat(valid.out).startsWith("valid: deny notes__read_note (constraint_failed) for researcher");
            Result found = runPrinted(printedLine(printed, "./warrant audit verify --receipt"));
            assertThat(found.exit).as(found.out + found.err).isZero();
            assertThat(found.out).contains("refusal.receipt.json: confirmed: ");

            // The printed revoke command stops the planner and the researcher derived from it.
            String revoke = printedLine(printed, "./warrant revoke");
            Result revoked = runPrinted(revoke);
            assertThat(revoked.exit).as(revoked.err).isZero();
            Result afterRevoke = runPrinted(commands.get(0));
            assertThat(afterRevoke.exit).isNotZero();
            assertThat(afterRevoke.out).doesNotContain("Hello from Warrant");
            assertThat(afterRevoke.err.strip()).isEqualTo("warrant: refused (revoked): the gateway does not accept this token");
        }
        // A second run reuses the root key, so tokens minted earlier stay valid.
        try (DemoMode.Demo again = DemoMode.start(0, dir, Telemetry.noop(), Clock.systemUTC())) {
            assertThat(Files.readString(dir.resolve("root.pub")).trim()).isEqualTo(firstPublicKey);
        }
    }

    private record Result(int exit, String out, String err) {
    }

    private static String printedLine(StringWriter printed, String start) {
        return printed.toString().lines().map(String::strip).filter(l -> l.startsWith(start)).findFirst().orElseThrow();
    }

    /** Runs a printed "./warrant call ..." line through the CLI entry point, honouring its single quotes. */
    private static Result runPrinted(String command) {
        List<String> args = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (char c : command.substring("./warrant ".length()).toCharArray()) {
            if (c == '\'') {
                quoted = !quoted;
            } else if (c == ' ' && !quoted) {
                if (current.length() > 0) {
                    args.add(current.toString());
                    current.setLength(0);
                }
            } else {
                current.append(c);
            }
        }
        if (current.length() > 0) {
            args.add(current.toString());
        }
        java.io.ByteArrayOutputStream stdout = new java.io.ByteArrayOutputStream();
        java.io.PrintStream previous = System.out;
        StringWriter err = new StringWriter();
        int exit;
        try {
            System.setOut(new java.io.PrintStream(stdout, true));
            exit = WarrantCli.run(args.toArray(String[]::new), new PrintWriter(System.out, true), new PrintWriter(err, true));
        } finally {
            System.setOut(previous);
        }
        return new Result(exit, stdout.toString(), err.toString());
    }
}
