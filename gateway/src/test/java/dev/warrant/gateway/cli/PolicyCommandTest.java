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

    @Test
    void aMappingFileIsCheckedAloneOrWithTheDirectoryAndABrokenOneNamesItsLine() throws Exception {
        Path mapping = Files.writeString(dir.resolve("identity.datalog"), String.join("\n",
                "// who an IdP identity is, and what it may do",
                "agent($s) <- claim(\"sub\", $s);",
                "right(\"tool\", \"notes\", \"read_note\") <- claim(\"scope\", \"notes.read\");",
                "task(\"from-idp\");",
                ""));
        CliRun alone = CliRun.run("policy", "check", "--mapping", mapping.toString()).ok();
        assertThat(alone.out()).isEqualTo("ok: mapping, 3 statements in " + mapping + System.lineSeparator());

        Path policies = Files.createDirectory(dir.resolve("policies"));
        Files.writeString(policies.resolve("10-deny.datalog"), "deny if risk(\"high\");\n");
        CliRun both = CliRun.run("policy", "check", policies.toString(), "--mapping", mapping.toString()).ok();
        assertThat(both.out().lines()).hasSize(2).last().asString().startsWith("ok: mapping, 3 statements");

        Files.writeString(mapping, "agent($s) <- claim(\"sub\", $s);\n\nclaim(\"sub\", \"admin\");\n");
        CliRun broken = CliRun.run("policy", "check", "--mapping", mapping.toString()).fails(2, "identity.datalog:3: ");
        assertThat(broken.err()).contains("claim");
        CliRun.run("policy", "check", "--mapping", dir.resolve("nope.datalog").toString()).fails(2, "nope.datalog");
        CliRun.run("policy", "check").fails(2, "give a policy DIR, --mapping FILE, or both");
    }
}
