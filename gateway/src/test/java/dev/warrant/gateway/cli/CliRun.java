package dev.warrant.gateway.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs {@code warrant ...} in-process and captures stdout, stderr and the exit code. */
record CliRun(int code, String out, String err) {

    static CliRun run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = WarrantCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliRun(code, out.toString(), err.toString());
    }

    List<String> errLines() {
        return err.lines().toList();
    }

    /** Success: exit 0, nothing on stderr. */
    CliRun ok() {
        assertThat(err).as("stderr").isEmpty();
        assertThat(code).as("exit code; stderr: " + err).isZero();
        return this;
    }

    /** A user error: exactly one stderr line "warrant: ...", no stack trace, nothing on stdout, the exit code. */
    CliRun fails(int expectedCode, String messagePart) {
        assertThat(errLines()).as("stderr").singleElement().asString().startsWith("warrant: ").contains(messagePart);
        assertThat(err).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(out).as("stdout").isEmpty();
        assertThat(code).as("exit code").isEqualTo(expectedCode);
        return this;
    }
}
