package dev.warrant.gateway.cli;

import dev.warrant.delegation.KeyFiles;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.SigningKey;
import dev.warrant.gateway.NodeProcess;
import dev.warrant.gateway.TestGateway;
import dev.warrant.gateway.record.AuditReceipt;
import dev.warrant.gateway.record.AuditRecord;
import dev.warrant.gateway.record.AuditSeal;
import dev.warrant.gateway.record.AuditSettings;
import dev.warrant.gateway.record.JsonLinesAuditLog;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code warrant receipt verify}, {@code warrant audit verify --receipt} and {@code warrant audit rotate-key} on real
 * files: receipts taken by the official TypeScript SDK client from a real gateway, and a log spanning a key
 * rotation (docs/ARCHITECTURE.md §11.37).
 */
class ReceiptCommandTest {

    @TempDir
    Path dir;

    @Test
    void receiptsTakenByTheTypeScriptClientVerifyOfflineAndMatchTheGatewaysAuditLog() throws Exception {
        try (TestGateway gw = new TestGateway(null, null)) {
            String token = gw.minter.mint(MintSpec.builder("ts-agent").right("tool", "notes", "list_notes")
                    .ttl(Duration.ofMinutes(30)).build());
            JsonObject seen = runAgent(gw, token);
            assertThat(seen.getString("error")).as("agent error").isNull();
            assertThat(seen.getBoolean("allowedReceipt")).isTrue();
            assertThat(seen.getBoolean("deniedReceipt")).isTrue();
            assertThat(seen.getString("deniedReason")).isEqualTo("unknown_tool");

            Path allowed = dir.resolve("allowed-result.json");
            Path denied = dir.resolve("denied-receipt.json");
            Path pub = gw.stateDir.resolve(AuditSeal.PUB_FILE);
            CliRun ok = CliRun.run("receipt", "verify", "--receipt-file", allowed.toString(), "--key-file", pub.toString()).ok();
            assertThat(ok.out()).startsWith("valid: allow notes__list_notes (allowed) for ts-agent");
            CliRun no = CliRun.run("receipt", "verify", "--receipt-file", denied.toString(), "--key-file", pub.toString()).ok();
            assertThat(no.out()).startsWith("valid: deny notes__read_note (unknown_tool) for ts-agent");

            Path log = gw.stateDir.resolve("audit.log");
            CliRun both = CliRun.run("audit", "verify", "--receipt", allowed.toString(), "--receipt", denied.toString(),
                    log.toString());
            assertThat(both.code()).as(both.out() + both.err()).isZero();
            assertThat(both.out()).contains(allowed + ": confirmed: " + log.toAbsolutePath())
                    .contains(denied + ": confirmed: ").contains("intact");

            // A changed field, a missing one, another key, another log: each named, with exit 1.
            JsonObject receipt = new JsonObject(Files.readString(denied));
            Path forged = write("forged.json", receipt.copy().put("decision", "allow"));
            CliRun forgedRun = CliRun.run("receipt", "verify", "--receipt-file", forged.toString(), "--key-file", pub.toString());
            assertThat(forgedRun.code()).isEqualTo(1);
            assertThat(forgedRun.out()).startsWith("receipt_signature_invalid: ");
            assertThat(forgedRun.err()).isEmpty();
            JsonObject cut = receipt.copy();
            cut.remove("caller");
            CliRun cutRun = CliRun.run("receipt", "verify", "--receipt-file", write("cut.json", cut).toString(),
                    "--key-file", pub.toString());
            assertThat(cutRun.code()).isEqualTo(1);
            assertThat(cutRun.out()).startsWith("receipt_invalid (caller): field caller is missing");
            Path other = Files.createDirectories(dir.resolve("other"));
            AuditSeal.loadOrCreate(other);
            CliRun otherKey = CliRun.run("receipt", "verify", "--receipt-file", denied.toString(), "--key-file",
                    other.resolve(AuditSeal.PUB_FILE).toString());
            assertThat(otherKey.code()).isEqualTo(1);
            assertThat(otherKey.out()).startsWith("receipt_key_unknown (keyId): ");
            CliRun forgedInLog = CliRun.run("audit", "verify", "--receipt", forged.toString(), log.toString());
            assertThat(forgedInLog.code()).isEqualTo(1);
            assertThat(forgedInLog.out()).contains(forged + ": receipt_signature_invalid");

            CliRun notJson = CliRun.run("receipt", "verify", "--receipt-file", write("bad.json", "{").toString(),
                    "--key-file", pub.toString());
            assertThat(notJson.code()).isEqualTo(1);
            assertThat(notJson.out()).startsWith("receipt_invalid: ");
            CliRun.run("receipt", "verify", "--receipt-file", dir.resolve("absent.json").toString(), "--key-file",
                    pub.toString()).fails(2, "cannot read receipt file");
        }
    }

    @Test
    void aLogSpanningAKeyRotationVerifiesWithOldAndNewKeysAndNotWithTheNewOneAlone() throws Exception {
        Path state = Files.createDirectories(dir.resolve("state"));
        Path log = state.resolve("audit.log");
        AuditReceipt before = writeCalls(log, 0);
        String oldPub = Files.readString(state.resolve(AuditSeal.PUB_FILE)).trim();

        CliRun rotated = CliRun.run("audit", "rotate-key", "--state-dir", state.toString()).ok();
        assertThat(rotated.out()).contains("audit key rotated: " + before.keyId() + " -> ");
        assertThat(Files.readString(state.resolve(AuditSeal.retiredPubFile(before.keyId()))).trim()).isEqualTo(oldPub);
        assertThat(Files.readString(state.resolve(AuditSeal.PUB_FILE)).trim()).isNotEqualTo(oldPub);

        AuditReceipt after = writeCalls(log, 20); // a restarted member: loads the new key
        assertThat(after.keyId()).isNotEqualTo(before.keyId());

        Path pub = state.resolve(AuditSeal.PUB_FILE);
        CliRun both = CliRun.run("audit", "verify", "--sealed", "--key-file", pub.toString(), log.toString());
        assertThat(both.code()).as(both.out()).isZero();
        assertThat(both.out()).contains("signed by " + String.join(", ",
                new java.util.TreeSet<>(List.of(before.keyId(), after.keyId())))).contains("intact");
        CliRun explicit = CliRun.run("audit", "verify", "--key-file", state.resolve(
                AuditSeal.retiredPubFile(before.keyId())).toString(), "--key-file", pub.toString(), log.toString());
        assertThat(explicit.code()).as(explicit.out()).isZero();

        Path lone = Files.createDirectories(dir.resolve("lone")).resolve(AuditSeal.PUB_FILE);
        Files.copy(pub, lone);
        CliRun newOnly = CliRun.run("audit", "verify", "--key-file", lone.toString(), log.toString());
        assertThat(newOnly.code()).isEqualTo(1);
        assertThat(newOnly.out()).contains("checkpoint_key_unknown").contains("signed by key " + before.keyId());

        // Receipts from before the rotation verify with the state dir's audit.pub (the retired key beside it).
        Path old = write("old.json", before.toJson());
        CliRun.run("receipt", "verify", "--receipt-file", old.toString(), "--key-file", pub.toString()).ok();
        CliRun oldWithNew = CliRun.run("receipt", "verify", "--receipt-file", old.toString(), "--key-file", lone.toString());
        assertThat(oldWithNew.code()).isEqualTo(1);
        assertThat(oldWithNew.out()).startsWith("receipt_key_unknown");
        CliRun confirmed = CliRun.run("audit", "verify", "--receipt", old.toString(), "--receipt",
                write("new.json", after.toJson()).toString(), log.toString());
        assertThat(confirmed.code()).as(confirmed.out()).isZero();
        assertThat(confirmed.out().lines().filter(l -> l.contains(": confirmed: ")).count()).isEqualTo(2);
    }

    @Test
    void aRotationStoppedBetweenItsRenamesIsFinishedByTheNextStartOrRotateKey() throws Exception {
        for (boolean byCommand : new boolean[] {false, true}) {
            Path state = Files.createDirectories(dir.resolve("stopped-" + byCommand));
            AuditSeal first = AuditSeal.loadOrCreate(state);
            // Where rotate-key stops between its renames: new pair made, old public key kept, audit.pub replaced.
            SigningKey fresh = KeyFiles.loadOrCreate(state.resolve("audit.key.new"), state.resolve("audit.pub.new"));
            Files.writeString(state.resolve(AuditSeal.retiredPubFile(first.key().keyId())),
                    first.key().publicKey().hex() + "\n");
            Files.move(state.resolve("audit.pub.new"), state.resolve(AuditSeal.PUB_FILE),
                    StandardCopyOption.REPLACE_EXISTING);
            if (byCommand) {
                CliRun finished = CliRun.run("audit", "rotate-key", "--state-dir", state.toString()).ok();
                assertThat(finished.out()).contains("rotation finished").contains(fresh.keyId());
            }

            AuditSeal next = AuditSeal.loadOrCreate(state);
            assertThat(next.key().keyId()).isEqualTo(fresh.keyId());
            assertThat(next.memberId()).isEqualTo(first.memberId());
            assertThat(state.resolve("audit.key.new")).doesNotExist();
        }
    }

    @Test
    void rotatingWithoutAnAuditKeyFailsWithOneLine() {
        CliRun.run("audit", "rotate-key", "--state-dir", dir.toString()).fails(2, "no audit key to rotate");
    }

    /** Ten calls into {@code log} (checkpoint every 4, and at close); the receipt of the fifth. */
    private static AuditReceipt writeCalls(Path log, int from) throws Exception {
        AuditSettings settings = new AuditSettings(1 << 20, 3, false).withCheckpoints(4, Duration.ofHours(1));
        AuditReceipt kept = null;
        try (JsonLinesAuditLog audit = new JsonLinesAuditLog(log, settings)) {
            for (int i = from; i < from + 10; i++) {
                AuditRecord r = new AuditRecord(Instant.parse("2026-11-25T20:00:00Z").plusSeconds(i), "allow",
                        "allowed", null, "agent", List.of("agent"), null, "tools/call", "notes__list_notes", null, "low",
                        null, null, List.of("ab"), null, null, 5, null);
                AuditReceipt receipt = audit.recordWithReceipt(r).toCompletableFuture().get(5, TimeUnit.SECONDS);
                if (i == from + 4) {
                    kept = receipt;
                }
            }
        }
        return kept;
    }

    private Path write(String name, Object content) throws Exception {
        return Files.writeString(dir.resolve(name), content instanceof JsonObject o ? o.encode() : content.toString(),
                StandardCharsets.UTF_8);
    }

    private JsonObject runAgent(TestGateway gw, String token) throws Exception {
        Path script = NodeProcess.nodeTools().resolve("ts-client/receipt-agent.mjs");
        Process p = new ProcessBuilder("node", script.toString(), gw.mcpUrl().toString(), token, "notes__list_notes",
                "notes__read_note", dir.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("TypeScript agent did not finish within 30 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return new JsonObject(out.substring(out.lastIndexOf('\n') + 1));
    }
}
