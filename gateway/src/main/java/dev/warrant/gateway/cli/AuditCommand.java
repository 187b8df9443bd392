package dev.warrant.gateway.cli;

import dev.warrant.delegation.KeyFileException;
import dev.warrant.delegation.RootPublicKey;
import dev.warrant.gateway.record.AuditFiles;
import dev.warrant.gateway.record.AuditFilter;
import dev.warrant.gateway.record.AuditSeal;
import dev.warrant.gateway.record.AuditReceipt;
import dev.warrant.gateway.record.AuditVerifier;
import dev.warrant.gateway.record.ReceiptCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code warrant audit tail|query|verify}: reads the audit log, including its rotated files, oldest first; verify
 * checks its hash chain and signed checkpoints.
 */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Read and verify the audit log.",
        subcommands = {AuditCommand.Tail.class, AuditCommand.Query.class, AuditCommand.Verify.class,
                AuditCommand.RotateKey.class})
final class AuditCommand {

    static final String DEFAULT_FILE = ".warrant/audit.log";

    private static Path existing(Path file) {
        if (AuditFiles.oldestFirst(file).isEmpty()) {
            throw new CliErrors.CliFailure("no audit log at " + file + " (see audit.file in the config)", 1);
        }
        return file;
    }

    @Command(name = "tail", mixinStandardHelpOptions = true,
            description = "Print the last N decisions; with --follow, keep printing new ones (across rotations).")
    static final class Tail implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--file", paramLabel = "FILE", defaultValue = DEFAULT_FILE,
                description = "The live audit file (default: ${DEFAULT-VALUE}).")
        Path file;

        @Option(names = "-n", paramLabel = "N", defaultValue = "20", description = "Lines to print (default: ${DEFAULT-VALUE}).")
        int lines;

        @Option(names = "--follow", description = "Keep printing new lines until interrupted.")
        boolean follow;

        @Override
        public Integer call() throws Exception {
            if (lines < 0) {
                throw new CliErrors.CliFailure("-n must not be negative", 2);
            }
            PrintWriter out = spec.commandLine().getOut();
            Deque<String> last = new ArrayDeque<>();
            if (!follow || Files.exists(file)) {
                existing(file);
            }
            long position = Files.exists(file) ? Files.size(file) : 0;
            AuditFiles.forEachLine(file, position, line -> {
                if (AuditFiles.isCheckpoint(line)) {
                    return;
                }
                last.addLast(line);
                if (last.size() > lines) {
                    last.removeFirst();
                }
            });
            last.forEach(out::println);
            out.flush();
            if (follow) {
                try {
                    follow(out, position);
                } catch (InterruptedException stopped) {
                    Thread.currentThread().interrupt();
                }
            }
            return 0;
        }

        /** Polls the live file; a file shorter than what was read means it was rotated: start it from 0. */
        private void follow(PrintWriter out, long position) throws IOException, InterruptedException {
            StringBuilder partial = new StringBuilder();
            while (!Thread.currentThread().isInterrupted()) {
                long size = Files.exists(file) ? Files.size(file) : 0;
                if (size < position) {
                    position = 0;
                    partial.setLength(0);
                }
                if (size > position) {
                    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
                        raf.seek(position);
                        byte[] chunk = new byte[(int) Math.min(size - position, 1 << 20)];
                        raf.readFully(chunk);
                        position += chunk.length;
                        partial.append(new String(chunk, StandardCharsets.UTF_8));
                    }
                    int nl;
                    while ((nl = partial.indexOf("\n")) >= 0) {
                        String line = partial.substring(0, nl);
                        if (!AuditFiles.isCheckpoint(line)) {
                            out.println(line);
                        }
                        partial.delete(0, nl + 1);
                    }
                    out.flush();
                } else {
                    Thread.sleep(200);
                }
            }
        }
    }

    @Command(name = "query", mixinStandardHelpOptions = true,
            description = "Print the decisions matching every given criterion, oldest first.")
    static final class Query implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--file", paramLabel = "FILE", defaultValue = DEFAULT_FILE,
                description = "The live audit file (default: ${DEFAULT-VALUE}).")
        Path file;

        @Option(names = "--caller", paramLabel = "AGENT", description = "The caller, or any agent in its delegation chain.")
        String caller;

        @Option(names = "--decision", paramLabel = "D", description = "allow, deny or error.")
        String decision;

        @Option(names = "--reason", paramLabel = "CODE", description = "A reason code, e.g. not_permitted.")
        String reason;

        @Option(names = "--since", paramLabel = "ISO", description = "Only decisions at or after this instant (2026-11-25T20:00:00Z).")
        String since;

        @Option(names = "--trace-id", paramLabel = "ID", description = "The OpenTelemetry trace id.")
        String traceId;

        @Option(names = "--task", paramLabel = "TASK", description = "The token's task.")
        String task;

        @Override
        public Integer call() {
            if (decision != null && !decision.matches("allow|deny|error")) {
                throw new CliErrors.CliFailure("--decision must be allow, deny or error, not '" + decision + "'", 2);
            }
            Optional<Instant> from;
            try {
                from = Optional.ofNullable(since).map(Instant::parse);
            } catch (DateTimeParseException e) {
                throw new CliErrors.CliFailure("--since is not an ISO-8601 instant (e.g. 2026-11-25T20:00:00Z): " + since, 2);
            }
            AuditFilter filter = new AuditFilter(Optional.ofNullable(caller), Optional.ofNullable(decision),
                    Optional.ofNullable(reason), from, Optional.ofNullable(traceId), Optional.ofNullable(task));
            PrintWriter out = spec.commandLine().getOut();
            AuditFiles.forEachLine(existing(file), line -> {
                if (filter.match(line).isPresent()) {
                    out.println(line);
                }
            });
            out.flush();
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check the audit files' hash chains and checkpoint signatures; name the first line that was "
                    + "edited, removed, inserted or reordered.",
                    "Give rotated files oldest first (audit.log.2 audit.log.1 audit.log); several members' files may "
                            + "be given side by side.",
                    "With --receipt, also check each receipt's signature and find its line (by member and seq): "
                            + "its bytes must hash to the receipt's lineHash, its fields must be the receipt's, and the "
                            + "chain must be intact up to it (receipt_line_missing, receipt_line_mismatch, "
                            + "receipt_line_not_intact; receipt_signature_invalid, receipt_key_unknown, receipt_invalid).",
                    "Exit 0: every line intact (lines after the last checkpoint are a warning); 1: a broken line, or "
                            + "unsealed lines with --sealed, or a receipt that does not check; 2: bad input or an "
                            + "unreadable file."})
    static final class Verify implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @picocli.CommandLine.Parameters(paramLabel = "FILE", arity = "1..*", description = "Audit files, oldest first.")
        List<Path> files;

        @Option(names = "--key-file", paramLabel = "PUB",
                description = "An audit public key (audit.pub; repeatable, for old keys). Default: audit.pub next to "
                        + "each file. Retired keys (audit-<keyId>.pub, left by rotate-key) next to either are used too.")
        List<Path> keyFiles = new ArrayList<>();

        @Option(names = "--receipt", paramLabel = "RECEIPT",
                description = "A receipt file (as for 'warrant receipt verify'; repeatable) whose line must be in the files.")
        List<Path> receipts = new ArrayList<>();

        @Option(names = "--member", paramLabel = "ID",
                description = "The member every file must belong to. Default: audit.member next to each file, if any.")
        String member;

        @Option(names = "--sealed", description = "Lines after the last checkpoint are an error, not a warning.")
        boolean sealed;

        @Override
        public Integer call() throws IOException {
            for (Path f : files) {
                if (!Files.isRegularFile(f) || !Files.isReadable(f)) {
                    throw new CliErrors.CliFailure("cannot read audit file " + f, 2);
                }
            }
            Map<String, RootPublicKey> keys = new LinkedHashMap<>();
            for (Path k : keyFiles) {
                AuditKeys.addWithRetired(keys, k);
            }
            if (keyFiles.isEmpty()) {
                for (Path f : files) {
                    Path pub = f.toAbsolutePath().resolveSibling(AuditSeal.PUB_FILE);
                    if (Files.exists(pub)) {
                        AuditKeys.addWithRetired(keys, pub);
                    }
                }
            }
            if (keys.isEmpty()) {
                throw new CliErrors.CliFailure("no audit public key: none next to the files; pass --key-file <stateDir>/"
                        + AuditSeal.PUB_FILE, 2);
            }
            AuditVerifier.Report report = new AuditVerifier(keys, sealed).verify(files, f -> expectedMember(f));
            PrintWriter out = spec.commandLine().getOut();
            report.findings().forEach(out::println);
            report.warnings().forEach(w -> out.println("warning: " + w));
            for (AuditVerifier.Member m : report.members()) {
                out.println("member " + m.memberId() + ": " + m.lines() + " lines verified (seq " + m.firstSeq() + ".."
                        + m.lastSeq() + "), " + m.checkpoints() + " checkpoints" + (m.keyIds().isEmpty() ? ""
                        : " signed by " + String.join(", ", m.keyIds())) + ", sealed up to seq " + m.sealedSeq());
            }
            boolean receiptsOk = true;
            for (Path r : receipts) {
                receiptsOk &= checkReceipt(r, keys, report, out);
            }
            out.println(report.intact() ? "intact" : "TAMPERED or broken: " + report.findings().size()
                    + " finding" + (report.findings().size() == 1 ? "" : "s"));
            out.flush();
            return report.intact() && receiptsOk ? 0 : 1;
        }

        /** Prints {@code RECEIPT: confirmed ...} or {@code RECEIPT: reason (field): detail}; true when confirmed. */
        private boolean checkReceipt(Path file, Map<String, RootPublicKey> keys, AuditVerifier.Report report,
                                     PrintWriter out) throws IOException {
            ReceiptCommand.ReceiptOrFinding read = ReceiptCommand.read(file);
            ReceiptCheck.Finding finding = read.finding();
            AuditReceipt receipt = read.receipt();
            if (finding == null) {
                finding = ReceiptCheck.signature(receipt, keys).orElse(null);
            }
            ReceiptCheck.Result line = null;
            if (finding == null) {
                line = ReceiptCheck.line(receipt, files);
                finding = line.finding();
            }
            if (finding == null) {
                AuditVerifier.Member m = report.members().stream().filter(x -> x.memberId().equals(receipt.member()))
                        .findFirst().orElse(null);
                // The chain is intact up to the member's last good line: the receipt's line must be within it.
                if (m == null || receipt.seq() < m.firstSeq() || receipt.seq() > m.lastSeq()) {
                    finding = new ReceiptCheck.Finding(ReceiptCheck.Reason.RECEIPT_LINE_NOT_INTACT, null,
                            "its line (" + line.located().file() + ":" + line.located().lineNo()
                                    + ") is at or past a break in member " + receipt.member() + "'s chain");
                } else {
                    out.println(file + ": confirmed: " + line.located().file() + ":" + line.located().lineNo()
                            + " (member " + receipt.member() + " seq " + receipt.seq() + ")"
                            + (receipt.seq() <= m.sealedSeq() ? ", sealed" : ", not yet sealed by a checkpoint"));
                    return true;
                }
            }
            out.println(file + ": " + finding);
            return false;
        }

        private Optional<String> expectedMember(Path file) {
            if (member != null) {
                return Optional.of(member);
            }
            Path id = file.toAbsolutePath().resolveSibling(AuditSeal.MEMBER_FILE);
            try {
                return Files.exists(id) ? Optional.of(Files.readString(id, StandardCharsets.US_ASCII).trim()) : Optional.empty();
            } catch (IOException e) {
                throw new CliErrors.CliFailure("cannot read " + id + ": " + e.getMessage(), 2);
            }
        }

    }

    @Command(name = "rotate-key", mixinStandardHelpOptions = true,
            description = {"Replace the member's audit key: the old audit.pub is kept as audit-<keyId>.pub, a new "
                    + "audit.key and audit.pub are made, and the old private key is gone.",
                    "A running member signs with the key it loaded until it restarts; checkpoints and receipts name "
                            + "their key id, so 'audit verify' and 'receipt verify' check both sides of the rotation "
                            + "(they pick up audit-*.pub next to audit.pub)."})
    static final class RotateKey implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = ".warrant",
                description = "The member's state dir, holding audit.key and audit.pub (default: ${DEFAULT-VALUE}).")
        Path stateDir;

        @Override
        public Integer call() throws KeyFileException {
            AuditSeal.Rotation r = AuditSeal.rotate(stateDir);
            PrintWriter out = spec.commandLine().getOut();
            if (r.finished()) {
                out.println("audit key rotation finished: an earlier rotate-key stopped between its renames; the key "
                        + "is now " + r.newKeyId() + ". Restart the member to sign with it.");
                out.flush();
                return 0;
            }
            out.println("audit key rotated: " + r.oldKeyId() + " -> " + r.newKeyId() + "; the old public key is kept as "
                    + r.keptPub() + ". Restart the member to sign with the new key.");
            out.flush();
            return 0;
        }
    }
}
