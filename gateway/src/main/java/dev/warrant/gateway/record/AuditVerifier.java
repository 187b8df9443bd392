package dev.warrant.gateway.record;

import dev.warrant.delegation.RootPublicKey;
import dev.warrant.gateway.crypto.Ed25519;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Checks audit files offline: each member's hash chain, line by line across the files in the order given, and
 * every checkpoint's signature; names the first line that breaks them (docs/ARCHITECTURE.md §8.1).
 *
 * <p>Only the first break of each member's chain is named: past it, what follows cannot be told apart reliably.
 */
public final class AuditVerifier {

    /** Why a line fails verification; {@link #code()} is the stable word printed. */
    public enum Reason {
        LINE_EDITED, LINE_MISSING, LINE_INSERTED, LINE_REORDERED, INVALID_JSON, NOT_CHAINED,
        CHECKPOINT_SIGNATURE_INVALID, CHECKPOINT_KEY_UNKNOWN, MEMBER_MISMATCH, LINES_UNSEALED;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A broken line: its file and 1-based line number. */
    public record Finding(Path file, long line, Reason reason, String detail) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + reason.code() + ": " + detail;
        }
    }

    /** One member's chain as verified (up to its first finding). */
    public record Member(String memberId, long lines, long firstSeq, long lastSeq, long checkpoints,
                         long sealedSeq, long unsealed, List<String> keyIds) {
    }

    public record Report(List<Finding> findings, List<Member> members, List<String> warnings) {
        public boolean intact() {
            return findings.isEmpty();
        }
    }

    private enum Kind { LINE, CHECKPOINT, BAD, PARTIAL }

    /** One line as read; {@code problem} is what the line shows on its own (bad JSON, a bad signature). */
    private record Entry(Path file, long lineNo, Kind kind, String member, long seq, String prev, String hash,
                         String keyId, Reason problem, String detail) {
        boolean chained() {
            return kind == Kind.LINE || kind == Kind.CHECKPOINT;
        }
    }

    private final Map<String, RootPublicKey> keys;
    private final boolean sealed;

    /**
     * @param keys   the audit public keys checkpoints may name, by key id
     * @param sealed true: lines after a member's last checkpoint are a finding, not a warning
     */
    public AuditVerifier(Map<String, RootPublicKey> keys, boolean sealed) {
        this.keys = Map.copyOf(keys);
        this.sealed = sealed;
    }

    /**
     * Verifies {@code files}, each member's oldest first.
     *
     * @param expectedMember the member a file must belong to, if known (e.g. its state dir's {@code audit.member})
     * @throws IOException when a file cannot be read
     */
    public Report verify(List<Path> files, Function<Path, Optional<String>> expectedMember) throws IOException {
        Map<String, List<Entry>> groups = new LinkedHashMap<>();
        List<Finding> findings = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (Path file : files) {
            List<Entry> entries = read(file);
            String member = entries.stream().filter(Entry::chained).map(Entry::member).findFirst().orElse(null);
            if (member == null) {
                entries.stream().filter(e -> e.kind() == Kind.BAD).findFirst()
                        .ifPresentOrElse(e -> findings.add(new Finding(file, e.lineNo(), e.problem(), e.detail())),
                                () -> warnings.add(file + ": no audit lines"));
                continue;
            }
            Optional<String> expected = expectedMember.apply(file);
            if (expected.isPresent() && !expected.get().equals(member)) {
                Entry first = entries.stream().filter(Entry::chained).findFirst().orElseThrow();
                findings.add(new Finding(file, first.lineNo(), Reason.MEMBER_MISMATCH,
                        "the file is member " + member + "'s log, not member " + expected.get() + "'s"));
                continue;
            }
            List<Entry> group = groups.computeIfAbsent(member, m -> new ArrayList<>());
            for (Entry e : entries) {
                if (e.chained() && !e.member().equals(member)) {
                    e = new Entry(e.file(), e.lineNo(), Kind.BAD, member, e.seq(), e.prev(), e.hash(), null,
                            Reason.MEMBER_MISMATCH, "a line of member " + e.member() + " in member " + member + "'s file");
                }
                group.add(e);
            }
        }
        List<Member> members = new ArrayList<>();
        groups.forEach((member, entries) -> members.add(chain(member, entries, findings, warnings)));
        return new Report(List.copyOf(findings), List.copyOf(members), List.copyOf(warnings));
    }

    /** Walks one member's lines in order; adds its first finding, if any. */
    private Member chain(String member, List<Entry> entries, List<Finding> findings, List<String> warnings) {
        Entry p = null;
        Entry lastCheckpoint = null;
        long firstSeq = 0;
        long lines = 0;
        long checkpoints = 0;
        long unsealed = 0;
        Entry firstUnsealed = null;
        Map<Long, String> seen = new HashMap<>();
        TreeSet<String> keyIds = new TreeSet<>();
        Finding finding = null;
        for (int i = 0; i < entries.size() && finding == null; i++) {
            Entry e = entries.get(i);
            if (e.kind() == Kind.PARTIAL) {
                if (i == entries.size() - 1) {
                    warnings.add(e.file() + ":" + e.lineNo() + ": a partial last line (a write cut short) is ignored");
                    unsealed++;
                    firstUnsealed = firstUnsealed == null ? e : firstUnsealed;
                    break;
                }
                finding = new Finding(e.file(), e.lineNo(), Reason.INVALID_JSON, "a partial line before the end of the log");
                break;
            }
            if (e.kind() == Kind.BAD) {
                finding = new Finding(e.file(), e.lineNo(), e.problem(), e.detail());
                break;
            }
            if (p == null) {
                firstSeq = e.seq();
                if (e.seq() == 1 && !e.prev().equals(AuditChain.GENESIS)) {
                    finding = new Finding(e.file(), e.lineNo(), Reason.LINE_EDITED, "the first line's prev is not the genesis hash");
                    break;
                }
                if (e.seq() > 1) {
                    warnings.add("member " + member + ": the chain starts at seq " + e.seq()
                            + " (" + e.file() + "); earlier lines are not among the files given");
                }
            } else {
                finding = link(p, e, i + 1 < entries.size() ? entries.get(i + 1) : null, entries, i, seen);
                if (finding != null) {
                    break;
                }
            }
            if (e.problem() != null) {
                finding = new Finding(e.file(), e.lineNo(), e.problem(), e.detail());
                break;
            }
            seen.put(e.seq(), e.hash());
            lines++;
            if (e.kind() == Kind.CHECKPOINT) {
                checkpoints++;
                keyIds.add(e.keyId());
                lastCheckpoint = e;
                unsealed = 0;
                firstUnsealed = null;
            } else {
                unsealed++;
                firstUnsealed = firstUnsealed == null ? e : firstUnsealed;
            }
            p = e;
        }
        if (finding != null) {
            findings.add(finding);
        } else if (unsealed > 0) {
            String what = unsealed + " line" + (unsealed == 1 ? "" : "s") + " not yet sealed"
                    + (lastCheckpoint == null ? " (no checkpoint)" : " after seq " + lastCheckpoint.seq());
            if (sealed) {
                findings.add(new Finding(firstUnsealed.file(), firstUnsealed.lineNo(), Reason.LINES_UNSEALED, what));
            } else {
                warnings.add("member " + member + ": " + what + " (from " + firstUnsealed.file() + ":"
                        + firstUnsealed.lineNo() + ")");
            }
        }
        return new Member(member, lines, firstSeq, p == null ? 0 : p.seq(), checkpoints,
                lastCheckpoint == null ? 0 : lastCheckpoint.seq(), unsealed, List.copyOf(keyIds));
    }

    /**
     * Whether {@code e} follows {@code p}; if not, which line broke the chain and how, told apart by {@code seq}
     * (where a line claims to be) and {@code prev} (which line it was written after).
     */
    private static Finding link(Entry p, Entry e, Entry next, List<Entry> entries, int i, Map<Long, String> seen) {
        long expected = p.seq() + 1;
        if (e.seq() == expected && e.prev().equals(p.hash())) {
            return null;
        }
        boolean nextChained = next != null && next.chained();
        if (nextChained && next.seq() == expected && next.prev().equals(p.hash()) && !e.prev().equals(next.hash())) {
            return new Finding(e.file(), e.lineNo(), Reason.LINE_INSERTED,
                    "the line after it continues the chain from seq " + p.seq());
        }
        if (e.prev().equals(p.hash())) {
            return new Finding(e.file(), e.lineNo(), Reason.LINE_EDITED,
                    "written after seq " + p.seq() + " but its seq reads " + e.seq());
        }
        if (e.seq() == expected) {
            if (nextChained && !next.prev().equals(e.hash())) {
                return new Finding(e.file(), e.lineNo(), Reason.LINE_EDITED, "its bytes are not the ones chained");
            }
            return new Finding(p.file(), p.lineNo(), Reason.LINE_EDITED,
                    "seq " + p.seq() + " is not the line seq " + e.seq() + " was chained to");
        }
        if (e.seq() > expected) {
            for (int j = i + 1; j < entries.size(); j++) {
                if (entries.get(j).chained() && entries.get(j).seq() == expected) {
                    return new Finding(e.file(), e.lineNo(), Reason.LINE_REORDERED,
                            "seq " + e.seq() + " comes before seq " + expected + " (" + entries.get(j).file() + ":"
                                    + entries.get(j).lineNo() + ")");
                }
            }
            long missing = e.seq() - expected;
            return new Finding(e.file(), e.lineNo(), Reason.LINE_MISSING, missing == 1
                    ? "seq " + expected + " is missing before this line"
                    : "seq " + expected + ".." + (e.seq() - 1) + " (" + missing + " lines) are missing before this line");
        }
        if (e.hash().equals(seen.get(e.seq()))) {
            return new Finding(e.file(), e.lineNo(), Reason.LINE_INSERTED, "a copy of the line seq " + e.seq());
        }
        return new Finding(e.file(), e.lineNo(), Reason.LINE_REORDERED,
                "seq " + e.seq() + " comes after seq " + p.seq());
    }

    private List<Entry> read(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        List<Entry> entries = new ArrayList<>();
        int start = 0;
        long lineNo = 0;
        while (start < all.length) {
            int nl = start;
            while (nl < all.length && all[nl] != '\n') {
                nl++;
            }
            lineNo++;
            byte[] line = Arrays.copyOfRange(all, start, nl);
            entries.add(nl == all.length ? new Entry(file, lineNo, Kind.PARTIAL, null, 0, null, null, null, null, null)
                    : entry(file, lineNo, line));
            start = nl + 1;
        }
        return entries;
    }

    private Entry entry(Path file, long lineNo, byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        JsonObject json;
        try {
            json = new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            return bad(file, lineNo, Reason.INVALID_JSON, "not a JSON object");
        }
        Object seq = json.getValue("seq");
        Object member = json.getValue("member");
        Object prev = json.getValue("prev");
        if (!(seq instanceof Number n) || !(member instanceof String m) || !(prev instanceof String h)
                || !h.matches("[0-9a-f]{64}")) {
            return bad(file, lineNo, Reason.NOT_CHAINED, "no seq, member and prev");
        }
        String hash = AuditChain.hash(bytes);
        if (!AuditLine.CHECKPOINT.equals(json.getValue("decision"))) {
            return new Entry(file, lineNo, Kind.LINE, m, n.longValue(), h, hash, null, null, null);
        }
        String keyId = json.getValue("keyId") instanceof String k ? k : "";
        Reason problem = null;
        String detail = null;
        RootPublicKey key = keys.get(keyId);
        if (!(json.getValue("sealedSeq") instanceof Number sealedSeq) || sealedSeq.longValue() != n.longValue() - 1
                || !h.equals(json.getValue("sealedHash"))) {
            problem = Reason.LINE_EDITED;
            detail = "the checkpoint's sealedSeq/sealedHash are not its seq - 1 and prev";
        } else if (key == null) {
            problem = Reason.CHECKPOINT_KEY_UNKNOWN;
            detail = "signed by key " + keyId + ", which is not among the audit public keys given (--key-file)";
        } else if (!signedBy(key, text, json.getValue("signature"))) {
            problem = Reason.CHECKPOINT_SIGNATURE_INVALID;
            detail = "the signature does not verify with key " + keyId;
        }
        return new Entry(file, lineNo, Kind.CHECKPOINT, m, n.longValue(), h, hash, keyId, problem, detail);
    }

    /** The signature is the line's last field and covers every byte before {@code ,"signature":}. */
    private static boolean signedBy(RootPublicKey key, String line, Object signature) {
        if (!(signature instanceof String sig) || !line.endsWith(AuditLine.SIGNATURE_FIELD + sig + "\"}")) {
            return false;
        }
        String signed = line.substring(0, line.length() - AuditLine.SIGNATURE_FIELD.length() - sig.length() - 2);
        try {
            return Ed25519.verifies(Ed25519.publicKey(java.util.HexFormat.of().parseHex(key.hex())),
                    signed.getBytes(StandardCharsets.UTF_8), Base64.getUrlDecoder().decode(sig));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Entry bad(Path file, long lineNo, Reason reason, String detail) {
        return new Entry(file, lineNo, Kind.BAD, null, 0, null, null, null, reason, detail);
    }
}
