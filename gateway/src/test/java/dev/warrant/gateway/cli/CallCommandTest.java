package dev.warrant.gateway.cli;

import dev.warrant.delegation.MintSpec;
import dev.warrant.gateway.TestGateway;
import dev.warrant.gateway.record.AuditSeal;
import dev.warrant.gateway.record.AuditSettings;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code warrant call --receipt-file}: the MCP Java SDK client of the CLI against a real gateway keeps the answer's
 * signed receipt, which {@code warrant receipt verify} and {@code audit verify --receipt} then check offline.
 */
class CallCommandTest {

    @TempDir
    Path dir;

    @Test
    void theReceiptOfAnAllowedAndOfARefusedCallIsSavedAndVerifiesAgainstTheLog() throws Exception {
        try (TestGateway gw = new TestGateway(null, null)) {
            Path token = write("agent.token", gw.minter.mint(MintSpec.builder("cli-agent")
                    .right("tool", "notes", "list_notes").ttl(Duration.ofMinutes(30)).build()));
            Path allowed = dir.resolve("allowed.json");
            CliRun call = CliRun.run("call", "--url", gw.mcpUrl().toString(), "--token-file", token.toString(),
                    "--tool", "notes__list_notes", "--receipt-file", allowed.toString()).ok();
            assertThat(call.out()).contains("Receipt (allow, audit line ").contains(") saved to " + allowed);
            JsonObject receipt = new JsonObject(Files.readString(allowed));
            assertThat(receipt.getString("caller")).isEqualTo("cli-agent");
            assertThat(receipt.getString("tool")).isEqualTo("notes__list_notes");

            Path refused = dir.resolve("refused.json");
            CliRun denied = CliRun.run("call", "--url", gw.mcpUrl().toString(), "--token-file", token.toString(),
                    "--tool", "notes__read_note", "--args", "{\"path\":\"/notes/public/hello.md\"}",
                    "--receipt-file", refused.toString());
            assertThat(denied.code()).isEqualTo(1);
            assertThat(denied.errLines()).singleElement().asString().startsWith("warrant: refused (unknown_tool)");
            assertThat(denied.out()).contains("Receipt (deny, audit line ");

            Path pub = gw.stateDir.resolve(AuditSeal.PUB_FILE);
            for (Path kept : new Path[] {allowed, refused}) {
                CliRun.run("receipt", "verify", "--receipt-file", kept.toString(), "--key-file", pub.toString()).ok();
            }
            Path log = gw.stateDir.resolve("audit.log");
            CliRun found = CliRun.run("audit", "verify", "--receipt", allowed.toString(), "--receipt",
                    refused.toString(), log.toString());
            assertThat(found.code()).as(found.out() + found.err()).isZero();
            assertThat(found.out()).contains(allowed + ": confirmed: ").contains(refused + ": confirmed: ");
        }
    }

    @Test
    void aReceiptThatCannotBeKeptStopsTheCommandBeforeTheCallIsMade() throws Exception {
        try (TestGateway gw = new TestGateway(null, null)) {
            Path token = write("agent.token", gw.minter.mint(MintSpec.builder("cli-agent")
                    .right("tool", "notes", "list_notes").ttl(Duration.ofMinutes(30)).build()));
            String url = gw.mcpUrl().toString();
            CliRun.run("call", "--url", url, "--token-file", token.toString(), "--receipt-file",
                    dir.resolve("r.json").toString()).fails(2, "--receipt-file needs --tool");
            CliRun.run("call", "--url", url, "--token-file", token.toString(), "--tool", "notes__list_notes",
                    "--receipt-file", dir.resolve("absent/r.json").toString()).fails(2, "no such directory");
            CliRun.run("call", "--url", url, "--token-file", token.toString(), "--tool", "notes__list_notes",
                    "--receipt-file", dir.toString()).fails(2, "it is a directory");
            assertThat(Files.readAllLines(gw.stateDir.resolve("audit.log")))
                    .noneMatch(line -> line.contains("notes__list_notes"));
        }
    }

    @Test
    void anAnswerWithoutAReceiptFailsTheCommandAndWritesNoFile() throws Exception {
        try (TestGateway gw = new TestGateway(null, null,
                b -> b.audit(AuditSettings.defaults().withReceipts(false)))) {
            Path token = write("agent.token", gw.minter.mint(MintSpec.builder("cli-agent")
                    .right("tool", "notes", "list_notes").ttl(Duration.ofMinutes(30)).build()));
            Path kept = dir.resolve("r.json");
            CliRun run = CliRun.run("call", "--url", gw.mcpUrl().toString(), "--token-file", token.toString(),
                    "--tool", "notes__list_notes", "--receipt-file", kept.toString());
            assertThat(run.code()).isEqualTo(1);
            assertThat(run.errLines()).singleElement().asString()
                    .startsWith("warrant: the answer carries no receipt").endsWith(kept + " not written");
            assertThat(kept).doesNotExist();
        }
    }

    private Path write(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }
}
