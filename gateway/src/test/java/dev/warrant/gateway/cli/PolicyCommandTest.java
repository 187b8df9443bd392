package dev.warrant.gateway.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class PolicyCommandTest {

    @TempDir
    Path dir;

    @Test
    void validDirectoryIsCountedAndABrokenFileIsOneLineWithItsLine() throws Exception {
        Files.writeString(dir.resolve("10-read-only.datalog"), String.join("\n",
                "// read-only agents: nothing destructive",
                "deny if risk(\"high\");",
                "writer($a) <- caller($a);",
                "check if time($t), $t > 2020-01-01T00:00:00Z;",
                ""));
        CliRun ok = CliRun.run("policy", "check", dir.toString());
        assertThat(ok.code()).isZero();
        assertThat(ok.out()).contains("1 rules, 1 checks, 1 policies");

        Files.writeString(dir.resolve("20-broken.datalog"), "deny if risk(\"high\");\n\nallow if ;\n");
        CliRun broken = CliRun.run("policy", "check", dir.toString());
        assertThat(broken.code()).isEqualTo(2);
        assertThat(broken.err().strip().lines().toList()).singleElement().satisfies(line ->
                assertThat(line).startsWith("warrant: ").contains("20-broken.datalog:3"));

        CliRun missing = CliRun.run("policy", "check", dir.resolve("nope").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("not a directory");
    }
}
