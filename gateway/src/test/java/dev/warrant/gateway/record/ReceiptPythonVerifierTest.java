package dev.warrant.gateway.record;

import dev.warrant.delegation.MintSpec;
import dev.warrant.gateway.PythonProcess;
import dev.warrant.gateway.TestGateway;
import dev.warrant.gateway.cli.WarrantCli;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Receipts checked by a second implementation: {@code python-tools/verify_receipt.py} (Python's {@code
 * cryptography} for Ed25519, written from docs/ARCHITECTURE.md §11.37) accepts what a real gateway gives the Python
 * SDK agent in both eras, and a batch with non-ASCII and null fields and Merkle proofs; for every changed or missing
 * field it names the same reason and field as {@code warrant receipt verify}, run beside it. So the encoding is what
 * the document says, not only what the Java code does.
 */
class ReceiptPythonVerifierTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** A finding's reason code and the field it names, as both verifiers begin their line. */
    private static final Pattern VERDICT = Pattern.compile("[a-z_]+( \\([A-Za-z]+\\))?:");

    @TempDir
    Path dir;

    @Test
    void receiptsThePythonAgentGotFromARealGatewayVerifyInPython() throws Exception {
        try (TestGateway gw = new TestGateway(null, null)) {
            String token = gw.minter.mint(MintSpec.builder("py-agent").right("tool", "notes", "list_notes")
                    .ttl(Duration.ofMinutes(30)).build());
            Path pub = gw.stateDir.resolve(AuditSeal.PUB_FILE);
            String allowedStep = "call:notes__list_notes:{}";
            String deniedStep = "call:notes__read_note:{\"path\":\"/notes/public/hello.md\"}";
            for (String mode : List.of("legacy", "2026-07-28")) {
                PythonProcess.AgentRun run = PythonProcess.agent(List.of(gw.mcpUrl().toString(), "--bearer", token,
                        "--mode", mode, allowedStep, deniedStep), TIMEOUT);
                assertThat(run.exitCode()).as(run.output()).isZero();
                JsonObject allowed = run.step(allowedStep).getJsonObject("meta").getJsonObject(AuditReceipt.META_KEY);
                JsonObject denied = run.step(deniedStep).getJsonObject("data").getJsonObject("_meta")
                        .getJsonObject(AuditReceipt.META_KEY);

                assertThat(verify(allowed, pub)).as(mode)
                        .isEqualTo(new PythonProcess.ScriptRun(0, validLine(AuditReceipt.fromJson(allowed))));
                assertThat(verify(denied, pub).output()).as(mode)
                        .startsWith("valid: deny notes__read_note (unknown_tool) for py-agent, member ");
            }
        }
    }

    @Test
    void aBatchWithNonAsciiAndNullFieldsVerifiesAndEveryChangeIsNamedAsTheJavaVerifierNamesIt() throws Exception {
        AuditSeal seal = AuditSeal.loadOrCreate(dir);
        Path pub = dir.resolve(AuditSeal.PUB_FILE);
        List<AuditReceipt.Line> lines = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            lines.add(new AuditReceipt.Line(record(i), 40 + i, String.format("%064x", i * 7919)));
        }
        List<AuditReceipt> batch = AuditReceipt.signAll(lines, seal.memberId(), seal.key());
        assertThat(batch).extracting(r -> r.proof().size()).containsExactly(3, 3, 3, 3, 1);

        for (AuditReceipt r : batch) {
            assertThat(verify(r.toJson(), pub)).isEqualTo(new PythonProcess.ScriptRun(0, validLine(r)));
        }

        JsonObject good = batch.get(1).toJson();
        List<String> fields = new ArrayList<>(AuditReceipt.FIELDS);
        fields.addAll(List.of("proof", "signature", "version"));
        for (String field : fields) {
            JsonObject changed = good.copy();
            Object v = changed.getValue(field);
            changed.put(field, v instanceof JsonArray a ? changedList(field, a) : v instanceof Number n
                    ? n.longValue() + 1 : v == null ? "ü" : v + "x");
            assertThat(firstLine(verify(changed, pub))).as("changed " + field).startsWith(javaVerdict(changed, pub));

            JsonObject missing = good.copy();
            missing.remove(field);
            assertThat(firstLine(verify(missing, pub))).as("missing " + field).startsWith(javaVerdict(missing, pub));
        }
        JsonObject wrongType = good.copy().put("chain", "planner");
        assertThat(firstLine(verify(wrongType, pub))).startsWith(javaVerdict(wrongType, pub));

        PythonProcess.ScriptRun absent = PythonProcess.script("verify_receipt.py",
                List.of(dir.resolve("absent.json").toString(), pub.toString()), Map.of(), TIMEOUT);
        assertThat(absent.exitCode()).isEqualTo(2);
        assertThat(absent.output()).startsWith("verify_receipt: cannot read receipt file").doesNotContain("Traceback");
    }

    /** Records with a non-ASCII caller and chain (length prefixes count UTF-8 bytes) and null optional fields. */
    private static AuditRecord record(int i) {
        return new AuditRecord(Instant.parse("2026-12-05T19:00:00Z").plusSeconds(i), i % 2 == 0 ? "allow" : "deny",
                i % 2 == 0 ? "allowed" : "constraint_failed", i == 3 ? null : "policy.dl:3: check if tool(\"ré\")",
                "forscher-ü" + i, List.of("planner", "forscher-ü" + i), null, "tools/call", "notes__read_note",
                i == 2 ? null : "sha256:" + "cd".repeat(32), "low", null, null, List.of("0a1b", "2c3d"),
                i == 4 ? null : String.format("%032x", i), null, 10, null);
    }

    private static Object changedList(String field, JsonArray list) {
        if (field.equals("proof")) {
            JsonArray bent = list.copy();
            String step = bent.getString(0);
            return bent.set(0, (step.charAt(0) == 'l' ? "r" : "l") + step.substring(1));
        }
        return list.copy().add("ü");
    }

    /**
     * The first words {@code warrant receipt verify} (run in-process) prints for this receipt: the reason code and
     * the field it names, up to the colon.
     */
    private String javaVerdict(JsonObject receipt, Path pub) throws Exception {
        StringWriter out = new StringWriter();
        int code = WarrantCli.run(new String[] {"receipt", "verify", "--receipt-file", write(receipt).toString(),
                "--key-file", pub.toString()}, new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
        assertThat(code).as("warrant receipt verify on " + receipt.encode() + ": " + out).isEqualTo(1);
        Matcher verdict = VERDICT.matcher(out.toString());
        assertThat(verdict.lookingAt()).as(out.toString()).isTrue();
        return verdict.group();
    }

    private static String validLine(AuditReceipt r) {
        return "valid: " + r.decision() + " " + r.tool() + " (" + r.reason() + ") for " + r.caller() + ", member "
                + r.member() + " seq " + r.seq() + ", signed by " + r.keyId() + "\n";
    }

    private Path write(JsonObject receipt) throws Exception {
        return Files.writeString(Files.createTempFile(dir, "receipt", ".json"), receipt.encode());
    }

    private PythonProcess.ScriptRun verify(JsonObject receipt, Path pub) throws Exception {
        PythonProcess.ScriptRun run = PythonProcess.script("verify_receipt.py",
                List.of(write(receipt).toString(), pub.toString()), Map.of(), TIMEOUT);
        assertThat(run.output()).doesNotContain("Traceback");
        return run;
    }

    private static String firstLine(PythonProcess.ScriptRun run) {
        assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
        return run.output().lines().findFirst().orElse("");
    }
}
