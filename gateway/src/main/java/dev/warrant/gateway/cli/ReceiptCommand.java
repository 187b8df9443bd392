package dev.warrant.gateway.cli;

import dev.warrant.delegation.RootPublicKey;
import dev.warrant.gateway.record.AuditReceipt;
import dev.warrant.gateway.record.ReceiptCheck;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code warrant receipt verify}: checks a tools/call receipt offline (docs/ARCHITECTURE.md §11.37). */
@Command(name = "receipt", mixinStandardHelpOptions = true, description = "Check the signed receipts of tool calls.",
        subcommands = {ReceiptCommand.Verify.class})
final class ReceiptCommand {

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check a receipt's signature with the member's audit public key, offline.",
                    "The file holds the receipt (the JSON object under _meta[\"dev.warrant/receipt\"]), or a whole "
                            + "tools/call result, JSON-RPC response or error object carrying one (in the result's "
                            + "_meta, or in error.data._meta for a denial).",
                    "Prints 'valid' and the receipt's fields, or one line 'reason (field): detail' with reason "
                            + "receipt_invalid (a field missing or of the wrong type), receipt_signature_invalid "
                            + "(a field changed after signing), or receipt_key_unknown (signed by a key not given).",
                    "Exit 0: valid; 1: one of those reasons; 2: bad usage or an unreadable file.",
                    "To find the receipt's line in the audit log: warrant audit verify --receipt FILE AUDIT_FILE..."})
    static final class Verify implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--receipt-file", paramLabel = "FILE", required = true, description = "The receipt (see above).")
        Path receiptFile;

        @Option(names = "--key-file", paramLabel = "PUB", required = true,
                description = "The member's audit public key (<stateDir>/audit.pub; repeatable). Retired keys "
                        + "(audit-<keyId>.pub) next to it are used too.")
        List<Path> keyFiles;

        @Override
        public Integer call() {
            Map<String, RootPublicKey> keys = new LinkedHashMap<>();
            keyFiles.forEach(k -> AuditKeys.addWithRetired(keys, k));
            PrintWriter out = spec.commandLine().getOut();
            ReceiptOrFinding read = read(receiptFile);
            if (read.finding() != null) {
                out.println(read.finding());
                out.flush();
                return 1;
            }
            Optional<ReceiptCheck.Finding> finding = ReceiptCheck.signature(read.receipt(), keys);
            if (finding.isPresent()) {
                out.println(finding.get());
                out.flush();
                return 1;
            }
            AuditReceipt r = read.receipt();
            out.println("valid: " + r.decision() + " " + r.tool() + " (" + r.reason() + ") for " + r.caller()
                    + ", member " + r.member() + " seq " + r.seq() + ", signed by " + r.keyId());
            out.flush();
            return 0;
        }
    }

    /** A receipt read from a file, or why it could not be. */
    record ReceiptOrFinding(AuditReceipt receipt, ReceiptCheck.Finding finding) {
    }

    /** Reads the receipt in {@code file}; an unreadable file is a usage error (exit 2), a bad receipt a finding. */
    static ReceiptOrFinding read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliErrors.CliFailure("cannot read receipt file " + file, 2);
        }
        JsonObject json;
        try {
            json = new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            return new ReceiptOrFinding(null, new ReceiptCheck.Finding(ReceiptCheck.Reason.RECEIPT_INVALID, null,
                    file + " is not a JSON object"));
        }
        JsonObject receipt = AuditReceipt.find(json);
        if (receipt == null) {
            return new ReceiptOrFinding(null, new ReceiptCheck.Finding(ReceiptCheck.Reason.RECEIPT_INVALID, null,
                    "no receipt in " + file + " (neither a receipt nor _meta[\"" + AuditReceipt.META_KEY + "\"])"));
        }
        try {
            return new ReceiptOrFinding(AuditReceipt.fromJson(receipt), null);
        } catch (AuditReceipt.InvalidReceipt e) {
            return new ReceiptOrFinding(null, new ReceiptCheck.Finding(ReceiptCheck.Reason.RECEIPT_INVALID,
                    e.field(), e.getMessage()));
        }
    }
}
