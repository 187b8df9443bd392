package dev.warrant.delegation;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The operator's claims-to-rights mapping: what it derives, what it refuses to parse, and what it refuses to mint. */
class ClaimMappingTest {

    static final String MAPPING = """
            // The subject is the agent; scopes grant tools; a group claim grants a task.
            agent($s) <- claim("sub", $s);
            right("tool", "notes", "read_note") <- claim("scope", "notes.read");
            right("tool", "notes", "*") <- claim("scope", "notes.admin"), claim("email_verified", true);
            team($g) <- claim("groups", $g);
            task("T-7") <- team("release");
            right("resource", "notes", "notes://public/");
            """;

    @Test
    void claimsBecomeAnAgentRightsAndATask() throws Exception {
        ClaimMapping mapping = ClaimMapping.parse(MAPPING, "identity.datalog");
        ClaimMapping.MappedIdentity id = mapping.map(List.of(new Claim("sub", "alice"), new Claim("scope", "notes.read"),
                new Claim("scope", "notes.admin"), new Claim("email_verified", true), new Claim("groups", "release"),
                new Claim("exp", 1_900_000_000L)));
        assertThat(id.agent()).isEqualTo("alice");
        assertThat(id.rights()).containsExactly(new Right("resource", "notes", "notes://public/"),
                new Right("tool", "notes", "*"), new Right("tool", "notes", "read_note"));
        assertThat(id.task()).contains("T-7");

        // Without the verified email, the admin scope grants nothing; without the group, no task.
        ClaimMapping.MappedIdentity narrower = mapping.map(List.of(new Claim("sub", "bob"), new Claim("scope", "notes.admin")));
        assertThat(narrower.rights()).containsExactly(new Right("resource", "notes", "notes://public/"));
        assertThat(narrower.task()).isEqualTo(Optional.empty());
    }

    @Test
    void claimValuesThatLookLikeDatalogAreOnlyStrings() throws Exception {
        ClaimMapping mapping = ClaimMapping.parse(MAPPING, "identity.datalog");
        ClaimMapping.MappedIdentity id = mapping.map(List.of(new Claim("sub", "mallory"),
                new Claim("scope", "notes.read\"); right(\"tool\", \"notes\", \"*\"); claim(\"x"),
                new Claim("scope\", \"notes.admin", "x")));
        assertThat(id.rights()).containsExactly(new Right("resource", "notes", "notes://public/"));
    }

    @Test
    void identitiesTheMappingCannotNameAreRefused() throws Exception {
        ClaimMapping mapping = ClaimMapping.parse(MAPPING, "identity.datalog");
        assertThatThrownBy(() -> mapping.map(List.of(new Claim("scope", "notes.read"))))
                .isInstanceOf(ClaimMapping.MappingException.class).hasMessageContaining("no agent");
        assertThatThrownBy(() -> mapping.map(List.of(new Claim("sub", "a"), new Claim("sub", "b"))))
                .isInstanceOf(ClaimMapping.MappingException.class).hasMessageContaining("more than one agent");
        // A subject that is not a valid agent name (a control character, empty) is refused, not minted.
        assertThatThrownBy(() -> mapping.map(List.of(new Claim("sub", "bell\u0007"))))
                .isInstanceOf(ClaimMapping.MappingException.class).hasMessageContaining("invalid name");
        assertThatThrownBy(() -> mapping.map(List.of(new Claim("sub", " "))))
                .isInstanceOf(ClaimMapping.MappingException.class).hasMessageContaining("invalid name");
    }

    @Test
    void badMappingFilesNameTheirLine() {
        assertThatThrownBy(() -> ClaimMapping.parse("agent($s) <- claim(\"sub\", $s);\nallow if true;\n", "m.datalog"))
                .isInstanceOf(PolicyParseException.class).hasMessageContaining("m.datalog:2").hasMessageContaining("rules and facts only");
        assertThatThrownBy(() -> ClaimMapping.parse("claim(\"sub\", \"root\");\n", "m.datalog"))
                .isInstanceOf(PolicyParseException.class).hasMessageContaining("m.datalog:1").hasMessageContaining("may not define");
        assertThatThrownBy(() -> ClaimMapping.parse("\n\nright(\"tool\", $n) <- claim(\"scope\", $n);\n", "m.datalog"))
                .isInstanceOf(PolicyParseException.class).hasMessageContaining("m.datalog:3").hasMessageContaining("3 terms");
        assertThatThrownBy(() -> ClaimMapping.parse("agent($s) <- claim(\"sub\", $s) trusting previous;\n", "m.datalog"))
                .isInstanceOf(PolicyParseException.class).hasMessageContaining("m.datalog:1");
        assertThatThrownBy(() -> ClaimMapping.parse("agent($s) <- claim(\"sub\", $s\n", "m.datalog"))
                .isInstanceOf(PolicyParseException.class).hasMessageContaining("m.datalog:1");
    }
}
