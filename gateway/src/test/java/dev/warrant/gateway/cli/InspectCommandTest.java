package dev.warrant.gateway.cli;

import dev.warrant.delegation.Identity;
import dev.warrant.delegation.KeyFiles;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import static dev.warrant.gateway.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code warrant inspect} on a token minted for an IdP identity and delegated twice. */
class InspectCommandTest {
    @TempDir
    static Path dir;
    static Path keys;
    static Path minted;
    static Path chain;

    @BeforeAll
    static void delegate() throws Exception {
        keys = dir.resolve("keys");
        run("keygen", "--out", keys.toString(), "--key-id", "root").ok();
        Minter minter = new Minter(KeyFiles.load(keys.resolve("root.key"), "root"), Clock.systemUTC(), Duration.ofHours(1));
        minted = Files.writeString(dir.resolve("alice.token"), minter.mint(MintSpec.builder("alice-agent")
                .right("tool", "notes", "read_note").right("tool", "notes", "list_notes")
                .identity(new Identity("https://idp.example.org/realms/agents", "alice")).build()));
        Path researcher = Files.writeString(dir.resolve("researcher.token"), run("attenuate", "--token-file",
                minted.toString(), "--to", "researcher", "--tool", "notes__*").ok().out());
        chain = Files.writeString(dir.resolve("summarizer.token"), run("attenuate", "--token-file",
                researcher.toString(), "--to", "summarizer", "--tool", "notes__read_note").ok().out());
    }

    @Test
    void showsTheIdentityAndTheChainAsActClaims() {
        CliRun r = run("inspect", "--token-file", chain.toString(), "--public-key-file", keys.resolve("root.pub").toString()).ok();
        assertThat(r.out())
                .contains("Identity: alice (issuer https://idp.example.org/realms/agents).")
                .contains("Chain: alice-agent -> researcher -> summarizer (2 delegation hops)");
        String section = r.out().substring(r.out().indexOf("As RFC 8693 act claims (the holder outermost):"));
        String json = section.substring(section.indexOf('\n') + 1);
        assertThat(json.lines()).allSatisfy(l -> assertThat(l).startsWith("  "));
        assertThat(new JsonObject(json)).isEqualTo(new JsonObject()
                .put("sub", "alice")
                .put("iss", "https://idp.example.org/realms/agents")
                .put("warrant_agent", "alice-agent")
                .put("act", new JsonObject().put("sub", "summarizer")
                        .put("act", new JsonObject().put("sub", "researcher"))));
    }

    @Test
    void actClaimsAlonePrintsOnlyTheJson() {
        CliRun r = run("inspect", "--token-file", minted.toString(), "--act-claims").ok();
        assertThat(new JsonObject(r.out())).isEqualTo(new JsonObject()
                .put("sub", "alice")
                .put("iss", "https://idp.example.org/realms/agents")
                .put("warrant_agent", "alice-agent"));
        run("inspect", "--token-file", minted.toString(), "--act-claims", "--source").fails(2, "--act-claims");
    }
}
