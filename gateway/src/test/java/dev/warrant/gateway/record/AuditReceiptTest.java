package dev.warrant.gateway.record;

import dev.warrant.delegation.KeyFiles;
import dev.warrant.delegation.RootPublicKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Receipts signed by a real {@link JsonLinesAuditLog} writing a real file (docs/ARCHITECTURE.md §11.37): each
 * verifies with the member's audit.pub and matches its line; every field changed is refused and named.
 */
class AuditReceiptTest {

    @TempDir
    Path dir;
    Path file;
    Map<String, RootPublicKey> keys;

    static AuditRecord record(int i, String decision, String reason) {
        return new AuditRecord(Instant.parse("2026-11-25T20:00:00Z").plusSeconds(i), decision, reason,
                "policy.dl:3: check if tool($t)", "researcher", List.of("planner", "researcher"), "T-1",
                "tools/call", "notes__read_note", "sha256:" + "ab".repeat(32), "low", null, null,
                List.of("0a1b", "2c3d"), String.format("%032x", i), "s-1", 10, new JsonObject().put("secret", "x"));
    }

    @BeforeEach
    void keys() throws Exception {
        file = dir.resolve("audit.log");
        AuditSeal seal = AuditSeal.loadOrCreate(dir);
        RootPublicKey pub = seal.key().publicKey();
        String id = KeyFiles.defaultKeyId(pub.hex());
        keys = Map.of(id, new RootPublicKey(id, pub.hex()));
    }

    private List<AuditReceipt> write(AuditSettings settings, AuditRecord... records) throws Exception {
        List<AuditReceipt> receipts = new ArrayList<>();
        try (JsonLinesAuditLog log = new JsonLinesAuditLog(file, settings)) {
            log.record(record(0, "allow", "allowed")).toCompletableFuture().get(5, TimeUnit.SECONDS);
            for (AuditRecord r : records) {
                receipts.add(log.recordWithReceipt(r).toCompletableFuture().get(5, TimeUnit.SECONDS));
            }
        }
        return receipts;
    }

    private static AuditSettings settings() {
        return new AuditSettings(1 << 20, 3, false).withCheckpoints(1000, Duration.ofHours(1));
    }

    @Test
    void anAllowAndADenyGetReceiptsThatVerifyAndMatchTheirLines() throws Exception {
        List<AuditReceipt> receipts = write(settings(), record(1, "allow", "allowed"), record(2, "deny", "not_permitted"));

        for (AuditReceipt r : receipts) {
            assertThat(r).isNotNull();
            assertThat(ReceiptCheck.signature(r, keys)).isEmpty();
            AuditReceipt read = AuditReceipt.fromJson(new JsonObject(r.toJson().encode()));
            assertThat(read).isEqualTo(r);
            ReceiptCheck.Result line = ReceiptCheck.line(read, List.of(file));
            assertThat(line.finding()).isNull();
            String text = Files.readAllLines(file, StandardCharsets.UTF_8).get((int) line.located().lineNo() - 1);
            assertThat(AuditChain.hash(text.getBytes(StandardCharsets.UTF_8))).isEqualTo(r.lineHash());
            assertThat(new JsonObject(text).getLong("seq")).isEqualTo(r.seq());
        }
        assertThat(receipts.get(0).seq()).isEqualTo(2);
        assertThat(receipts.get(1).decision()).isEqualTo("deny");
        assertThat(receipts.get(1).reason()).isEqualTo("not_permitted");
        // Never the token, never raw arguments: only their digest.
        assertThat(receipts.get(0).toJson().encode()).doesNotContain("secret").contains("sha256:abab");
    }

    @Test
    void everyChangedFieldBreaksTheSignatureAndEveryMissingFieldIsNamed() throws Exception {
        JsonObject good = write(settings(), record(1, "allow", "allowed")).get(0).toJson();

        for (String field : AuditReceipt.FIELDS) {
            JsonObject changed = good.copy();
            Object v = changed.getValue(field);
            changed.put(field, v instanceof JsonArray a ? a.copy().add("forged") : v instanceof Number n
                    ? n.longValue() + 1 : v == null ? "forged" : v + "x");
            AuditReceipt r = AuditReceipt.fromJson(changed);
            ReceiptCheck.Reason expected = field.equals("keyId") ? ReceiptCheck.Reason.RECEIPT_KEY_UNKNOWN
                    : ReceiptCheck.Reason.RECEIPT_SIGNATURE_INVALID;
            assertThat(ReceiptCheck.signature(r, keys)).as(field).get()
                    .extracting(ReceiptCheck.Finding::reason).isEqualTo(expected);

            JsonObject missing = good.copy();
            missing.remove(field);
            assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(() -> AuditReceipt.fromJson(missing),
                    AuditReceipt.InvalidReceipt.class)).as(field).isNotNull()
                    .extracting(AuditReceipt.InvalidReceipt::field).isEqualTo(field);
        }
        for (String field : List.of("proof", "signature", "version")) {
            JsonObject missing = good.copy();
            missing.remove(field);
            assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(() -> AuditReceipt.fromJson(missing),
                    AuditReceipt.InvalidReceipt.class)).as(field).isNotNull()
                    .extracting(AuditReceipt.InvalidReceipt::field).isEqualTo(field);
        }
        JsonObject badSig = good.copy().put("signature", good.getString("signature").substring(2) + "AA");
        assertThat(ReceiptCheck.signature(AuditReceipt.fromJson(badSig), keys)).get()
                .extracting(ReceiptCheck.Finding::reason).isEqualTo(ReceiptCheck.Reason.RECEIPT_SIGNATURE_INVALID);
    }

    @Test
    void aBatchsReceiptsShareOneSignatureAndEachVerifiesThroughItsProof() throws Exception {
        AuditSeal seal = AuditSeal.loadOrCreate(dir);
        List<AuditReceipt.Line> lines = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            lines.add(new AuditReceipt.Line(record(i, "allow", "allowed"), 10 + i, String.format("%064x", i)));
        }
        List<AuditReceipt> batch = AuditReceipt.signAll(lines, seal.memberId(), seal.key());

        assertThat(batch).extracting(AuditReceipt::signature).containsOnly(batch.get(0).signature());
        assertThat(batch).extracting(r -> r.proof().size()).containsExactly(3, 3, 3, 3, 1); // the 5th goes up alone
        for (AuditReceipt r : batch) {
            assertThat(ReceiptCheck.signature(AuditReceipt.fromJson(new JsonObject(r.toJson().encode())), keys)).isEmpty();
        }
        // Another receipt's proof, or a proof step changed, does not lead to the signed root.
        AuditReceipt swapped = AuditReceipt.fromJson(batch.get(0).toJson().put("proof",
                batch.get(1).toJson().getJsonArray("proof")));
        assertThat(ReceiptCheck.signature(swapped, keys)).get().extracting(ReceiptCheck.Finding::reason)
                .isEqualTo(ReceiptCheck.Reason.RECEIPT_SIGNATURE_INVALID);
        JsonObject bent = batch.get(2).toJson();
        String step = bent.getJsonArray("proof").getString(0);
        bent.getJsonArray("proof").set(0, (step.charAt(0) == 'l' ? "r" : "l") + step.substring(1));
        assertThat(ReceiptCheck.signature(AuditReceipt.fromJson(bent), keys)).get().extracting(ReceiptCheck.Finding::reason)
                .isEqualTo(ReceiptCheck.Reason.RECEIPT_SIGNATURE_INVALID);
        JsonObject malformed = batch.get(2).toJson();
        malformed.getJsonArray("proof").set(0, "x:00");
        assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(() -> AuditReceipt.fromJson(malformed),
                AuditReceipt.InvalidReceipt.class).field()).isEqualTo("proof");
    }

    @Test
    void receiptsRecordedTogetherFromManyThreadsAllVerify() throws Exception {
        List<java.util.concurrent.CompletableFuture<AuditReceipt>> pending = new ArrayList<>();
        try (JsonLinesAuditLog log = new JsonLinesAuditLog(file, settings())) {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            List<java.util.concurrent.Future<java.util.concurrent.CompletableFuture<AuditReceipt>>> submitted = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                AuditRecord r = record(i, i % 3 == 0 ? "deny" : "allow", i % 3 == 0 ? "not_permitted" : "allowed");
                submitted.add(pool.submit(() -> log.recordWithReceipt(r).toCompletableFuture()));
            }
            for (var f : submitted) {
                pending.add(f.get(5, TimeUnit.SECONDS));
            }
            pool.shutdown();
            for (var p : pending) {
                p.get(5, TimeUnit.SECONDS);
            }
        }
        for (var p : pending) {
            AuditReceipt r = p.get();
            assertThat(ReceiptCheck.signature(r, keys)).isEmpty();
            assertThat(ReceiptCheck.line(r, List.of(file)).finding()).isNull();
        }
    }

    @Test
    void aReceiptWhoseLineWasEditedOrIsAbsentIsNamed() throws Exception {
        AuditReceipt r = write(settings(), record(1, "deny", "not_permitted")).get(0);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        int at = (int) r.seq() - 1;

        List<String> edited = new ArrayList<>(lines);
        edited.set(at, edited.get(at).replace("\"decision\":\"deny\"", "\"decision\":\"allow\""));
        Path copy = dir.resolve("edited.log");
        Files.write(copy, edited, StandardCharsets.UTF_8);
        ReceiptCheck.Finding mismatch = ReceiptCheck.line(r, List.of(copy)).finding();
        assertThat(mismatch.reason()).isEqualTo(ReceiptCheck.Reason.RECEIPT_LINE_MISMATCH);
        assertThat(mismatch.field()).isEqualTo("decision");

        List<String> approval = new ArrayList<>(lines);
        approval.set(at, approval.get(at).replace("\"approvalId\":null", "\"approvalId\":\"a-1\""));
        Files.write(copy, approval, StandardCharsets.UTF_8);
        assertThat(ReceiptCheck.line(r, List.of(copy)).finding().field()).isEqualTo("lineHash");

        List<String> removed = new ArrayList<>(lines);
        removed.remove(at);
        Files.write(copy, removed, StandardCharsets.UTF_8);
        assertThat(ReceiptCheck.line(r, List.of(copy)).finding().reason())
                .isEqualTo(ReceiptCheck.Reason.RECEIPT_LINE_MISSING);
    }

    @Test
    void withReceiptsOffTheLineIsWrittenAndNoReceiptIsSigned() throws Exception {
        List<AuditReceipt> receipts = write(settings().withReceipts(false), record(1, "allow", "allowed"));
        assertThat(receipts).containsExactly((AuditReceipt) null);
        assertThat(Files.readAllLines(file, StandardCharsets.UTF_8)).hasSize(3); // 2 calls and the closing checkpoint
    }

    @Test
    void aReceiptIsFoundInAResultAnErrorOrAWholeResponse() throws Exception {
        JsonObject receipt = write(settings(), record(1, "allow", "allowed")).get(0).toJson();
        JsonObject meta = new JsonObject().put(AuditReceipt.META_KEY, receipt);
        assertThat(AuditReceipt.find(receipt)).isSameAs(receipt);
        assertThat(AuditReceipt.find(new JsonObject().put("content", new JsonArray()).put("_meta", meta)))
                .isEqualTo(receipt);
        assertThat(AuditReceipt.find(new JsonObject().put("result", new JsonObject().put("_meta", meta))))
                .isEqualTo(receipt);
        assertThat(AuditReceipt.find(new JsonObject().put("error", new JsonObject().put("code", -32001)
                .put("data", new JsonObject().put("reason", "not_permitted").put("_meta", meta))))).isEqualTo(receipt);
        assertThat(AuditReceipt.find(new JsonObject().put("result", new JsonObject()))).isNull();
    }
}
