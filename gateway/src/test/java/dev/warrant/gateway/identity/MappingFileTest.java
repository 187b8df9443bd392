package dev.warrant.gateway.identity;

import dev.warrant.delegation.Claim;
import dev.warrant.delegation.Right;
import dev.warrant.gateway.config.ConfigException;
import dev.warrant.gateway.errors.WarrantException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The identity mapping file's hot reload, and the claims it sees (one value per element, bounded). */
class MappingFileTest {

    @TempDir
    Path dir;

    @Test
    void anEditIsSwappedInWhole_aBrokenEditKeepsThePreviousMappingAndSaysWhere() throws Exception {
        Path file = Files.writeString(dir.resolve("identity.datalog"), "agent($s) <- claim(\"sub\", $s);\n");
        try (MappingFile mapping = new MappingFile(file)) {
            assertThat(mapping.current().version()).isEqualTo(1);
            assertThat(mapping.reloadIfChanged()).isFalse();

            Files.writeString(file, "agent($s) <- claim(\"sub\", $s);\nright(\"tool\", \"notes\", \"*\") <- claim(\"scope\", \"notes\");\n");
            assertThat(mapping.reloadIfChanged()).isTrue();
            assertThat(mapping.current().version()).isEqualTo(2);
            assertThat(mapping.current().mapping().map(List.of(new Claim("sub", "a"), new Claim("scope", "notes"))).rights())
                    .containsExactly(new Right("tool", "notes", "*"));

            Files.writeString(file, "agent($s) <- claim(\"sub\", $s);\nallow if true;\n");
            assertThat(mapping.reloadIfChanged()).isFalse();
            assertThat(mapping.current().version()).isEqualTo(2);
            assertThat(mapping.lastError()).hasValueSatisfying(e -> assertThat(e).contains("identity.datalog:2"));
        }
    }

    @Test
    void aMissingOrBrokenMappingFailsTheStart() throws Exception {
        assertThatThrownBy(() -> new MappingFile(dir.resolve("absent.datalog"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("identity.mapping");
        Path broken = Files.writeString(dir.resolve("broken.datalog"), "agent($s) <- claim(\"sub\"\n");
        assertThatThrownBy(() -> new MappingFile(broken)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("broken.datalog:1");
    }

    @Test
    void claimsBecomeOneValueEachAndTooManyOrTooLongAreRefused() {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", "alice");
        claims.put("scope", " notes.read  notes.write ");
        claims.put("groups", List.of("a", "b"));
        claims.put("exp", 1_900_000_000L);
        claims.put("email_verified", true);
        claims.put("address", Map.of("country", "FR"));
        claims.put("ratio", 0.5);
        assertThat(ClaimFacts.of(claims)).containsExactly(new Claim("sub", "alice"), new Claim("scope", "notes.read"),
                new Claim("scope", "notes.write"), new Claim("groups", "a"), new Claim("groups", "b"),
                new Claim("exp", 1_900_000_000L), new Claim("email_verified", true));

        List<String> many = new ArrayList<>();
        for (int i = 0; i <= ClaimFacts.MAX_VALUES; i++) {
            many.add("g" + i);
        }
        assertThatThrownBy(() -> ClaimFacts.of(Map.of("groups", many))).isInstanceOf(WarrantException.class)
                .satisfies(e -> assertThat(((WarrantException) e).reason().code()).isEqualTo("jwt_claims_invalid"));
        assertThatThrownBy(() -> ClaimFacts.of(Map.of("sub", "x".repeat(ClaimFacts.MAX_LENGTH + 1))))
                .isInstanceOf(WarrantException.class);
    }
}
