package dev.warrant.gateway.record;

import dev.warrant.delegation.SigningKey;
import dev.warrant.gateway.crypto.Sha256;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A signed receipt for one answered {@code tools/call}: what was decided, for whom, on whose authority, and which
 * audit line records it (docs/ARCHITECTURE.md §11.37). The agent gets it in the answer's {@code _meta} under
 * {@link #META_KEY}; anyone holding the member's {@code audit.pub} checks it offline ({@code warrant receipt
 * verify}), and {@code warrant audit verify --receipt} finds its line. Never the token, never raw arguments.
 *
 * <p>The writer signs the receipts of one write batch together: each receipt's leaf is SHA-256 of {@code 0x00} and
 * {@link #signedBytes()} (a length-prefixed encoding of its fields in a fixed order, so no JSON canonicalization has
 * to be agreed on); the leaves form a Merkle tree, and the signature is Ed25519 by the member's audit key over
 * {@code warrant-receipt-root-v1} LF and the root's 32 bytes. {@code proof} leads from the leaf to the root (empty
 * for a batch of one).
 *
 * @param seq      the audit line's {@code seq} in the member's chain
 * @param lineHash lowercase hex SHA-256 of the audit line's exact bytes (as the chain's {@code prev})
 * @param tool     the called tool's name as the agent named it
 */
public record AuditReceipt(String decision, String reason, String caller, List<String> chain,
                           List<String> revocationIds, String tool, String argumentDigest, String policy,
                           String time, String traceId, long seq, String lineHash, String member, String keyId,
                           List<String> proof, String signature) {

    /** Where the receipt travels in a result's (or an error's {@code data}) {@code _meta}. */
    public static final String META_KEY = "dev.warrant/receipt";
    public static final int VERSION = 1;
    private static final String DOMAIN = "warrant-receipt-v1\n";

    /** The signed fields, in the order they are written and encoded; {@code proof} and {@code signature} follow. */
    static final List<String> FIELDS = List.of("decision", "reason", "caller", "chain", "revocationIds", "tool",
            "argumentDigest", "policy", "time", "traceId", "seq", "lineHash", "member", "keyId");
    /** Fields that are never null. */
    private static final List<String> REQUIRED = List.of("decision", "reason", "time", "lineHash", "member", "keyId");

    private static final byte[] ROOT_DOMAIN = "warrant-receipt-root-v1\n".getBytes(StandardCharsets.US_ASCII);
    private static final java.util.regex.Pattern PROOF_STEP = java.util.regex.Pattern.compile("[lr]:[0-9a-f]{64}");

    public AuditReceipt {
        chain = chain == null ? List.of() : List.copyOf(chain);
        revocationIds = revocationIds == null ? List.of() : List.copyOf(revocationIds);
        proof = proof == null ? List.of() : List.copyOf(proof);
    }

    /** A record written as line {@code seq} with hash {@code lineHash}: what its receipt will say. */
    record Line(AuditRecord record, long seq, String lineHash) {
    }

    /** The receipt for one line alone. */
    static AuditReceipt sign(AuditRecord r, long seq, String lineHash, String member, SigningKey key) {
        return signAll(List.of(new Line(r, seq, lineHash)), member, key).get(0);
    }

    /** The receipts of {@code lines}, in their order, under one signature over their Merkle root. */
    static List<AuditReceipt> signAll(List<Line> lines, String member, SigningKey key) {
        return signAll(lines, member, key.keyId(), key::sign);
    }

    /** As {@link #signAll(List, String, SigningKey)}, signed by {@code sign} as the key {@code keyId}. */
    static List<AuditReceipt> signAll(List<Line> lines, String member, String keyId,
                                      java.util.function.UnaryOperator<byte[]> sign) {
        List<AuditReceipt> unsigned = new ArrayList<>(lines.size());
        List<byte[]> level = new ArrayList<>(lines.size());
        for (Line l : lines) {
            AuditRecord r = l.record();
            AuditReceipt u = new AuditReceipt(r.decision(), r.reason(), r.caller(), r.chain(), r.revocationIds(),
                    r.target(), r.argumentDigest(), r.policy(), r.time().toString(), r.traceId(), l.seq(), l.lineHash(),
                    member, keyId, null, null);
            unsigned.add(u);
            level.add(u.leaf());
        }
        List<List<String>> proofs = new ArrayList<>(lines.size());
        List<Integer> at = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            proofs.add(new ArrayList<>());
            at.add(i);
        }
        // Pairs nodes level by level; an odd last node goes up unchanged.
        while (level.size() > 1) {
            List<byte[]> up = new ArrayList<>((level.size() + 1) / 2);
            for (int j = 0; j < level.size(); j += 2) {
                up.add(j + 1 < level.size() ? node(level.get(j), level.get(j + 1)) : level.get(j));
            }
            for (int i = 0; i < lines.size(); i++) {
                int k = at.get(i);
                int sibling = k ^ 1;
                if (sibling < level.size()) {
                    proofs.get(i).add((sibling < k ? "l:" : "r:") + java.util.HexFormat.of().formatHex(level.get(sibling)));
                }
                at.set(i, k / 2);
            }
            level = up;
        }
        String signature = Base64.getUrlEncoder().withoutPadding().encodeToString(sign.apply(rootMessage(level.get(0))));
        List<AuditReceipt> signed = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            AuditReceipt u = unsigned.get(i);
            signed.add(new AuditReceipt(u.decision, u.reason, u.caller, u.chain, u.revocationIds, u.tool,
                    u.argumentDigest, u.policy, u.time, u.traceId, u.seq, u.lineHash, u.member, u.keyId,
                    proofs.get(i), signature));
        }
        return signed;
    }

    /** SHA-256 of {@code 0x00} and {@link #signedBytes()}. */
    byte[] leaf() {
        java.security.MessageDigest sha = Sha256.newDigest();
        sha.update((byte) 0);
        return sha.digest(signedBytes());
    }

    private static byte[] node(byte[] left, byte[] right) {
        java.security.MessageDigest sha = Sha256.newDigest();
        sha.update((byte) 1);
        sha.update(left);
        return sha.digest(right);
    }

    /** What the signature covers: the root this receipt's leaf and proof lead to. */
    public byte[] signedMessage() {
        byte[] h = leaf();
        for (String step : proof) {
            byte[] sibling = java.util.HexFormat.of().parseHex(step.substring(2));
            h = step.charAt(0) == 'l' ? node(sibling, h) : node(h, sibling);
        }
        return rootMessage(h);
    }

    private static byte[] rootMessage(byte[] root) {
        byte[] m = Arrays.copyOf(ROOT_DOMAIN, ROOT_DOMAIN.length + root.length);
        System.arraycopy(root, 0, m, ROOT_DOMAIN.length, root.length);
        return m;
    }

    /**
     * The receipt's bytes, whose hash is its Merkle leaf (the signature covers them through the root):
     * {@code warrant-receipt-v1} and a line feed, then per field of {@link #FIELDS}, in
     * that order, {@code name=value} and a line feed, where a string is its UTF-8 byte length, {@code :}, its
     * bytes; null is {@code -}; {@code seq} is {@code #} and its decimal; a list is {@code [n]} and its n strings.
     */
    public byte[] signedBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        ascii(out, DOMAIN);
        for (String field : FIELDS) {
            ascii(out, field + "=");
            Object v = value(field);
            if (v instanceof List<?> list) {
                ascii(out, "[" + list.size() + "]");
                list.forEach(s -> string(out, (String) s));
            } else if (v instanceof Long n) {
                ascii(out, "#" + n);
            } else {
                string(out, (String) v);
            }
            out.write('\n');
        }
        return out.toByteArray();
    }

    /** The value of one of {@link #FIELDS}. */
    Object value(String field) {
        return switch (field) {
            case "decision" -> decision;
            case "reason" -> reason;
            case "caller" -> caller;
            case "chain" -> chain;
            case "revocationIds" -> revocationIds;
            case "tool" -> tool;
            case "argumentDigest" -> argumentDigest;
            case "policy" -> policy;
            case "time" -> time;
            case "traceId" -> traceId;
            case "seq" -> seq;
            case "lineHash" -> lineHash;
            case "member" -> member;
            case "keyId" -> keyId;
            default -> throw new IllegalArgumentException("no receipt field " + field);
        };
    }

    private static void string(ByteArrayOutputStream out, String s) {
        if (s == null) {
            out.write('-');
            return;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        ascii(out, bytes.length + ":");
        out.writeBytes(bytes);
    }

    private static void ascii(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }

    /** {@code {"version":1, <FIELDS in order>, "proof":[...], "signature":...}}, nulls written as null. */
    public JsonObject toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", VERSION);
        for (String field : FIELDS) {
            Object v = value(field);
            m.put(field, v instanceof List<?> list ? new JsonArray(new ArrayList<>(list)) : v);
        }
        m.put("proof", new JsonArray(new ArrayList<>(proof)));
        m.put("signature", signature);
        return new JsonObject(m);
    }

    /** A receipt that cannot be read: {@link ReceiptCheck.Reason#RECEIPT_INVALID}, naming the field. */
    public static final class InvalidReceipt extends Exception {
        private final String field;

        InvalidReceipt(String field, String detail) {
            super(detail, null, false, false);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /** Reads a receipt; every field must be present (nullable ones as null) and of its type. */
    public static AuditReceipt fromJson(JsonObject json) throws InvalidReceipt {
        if (!Objects.equals(json.getValue("version"), VERSION)) {
            throw new InvalidReceipt("version", "version is not " + VERSION);
        }
        List<String> all = new ArrayList<>(FIELDS);
        all.add("proof");
        all.add("signature");
        for (String field : all) {
            if (!json.containsKey(field)) {
                throw new InvalidReceipt(field, "field " + field + " is missing");
            }
        }
        return new AuditReceipt(str(json, "decision"), str(json, "reason"), str(json, "caller"),
                list(json, "chain"), list(json, "revocationIds"), str(json, "tool"), str(json, "argumentDigest"),
                str(json, "policy"), str(json, "time"), str(json, "traceId"), seq(json), str(json, "lineHash"),
                str(json, "member"), str(json, "keyId"), proof(json), str(json, "signature"));
    }

    private static String str(JsonObject json, String field) throws InvalidReceipt {
        Object v = json.getValue(field);
        if (v == null && !REQUIRED.contains(field) && !"signature".equals(field)) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw new InvalidReceipt(field, "field " + field + " is not a string");
        }
        return s;
    }

    private static long seq(JsonObject json) throws InvalidReceipt {
        Object v = json.getValue("seq");
        if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < 1) {
            throw new InvalidReceipt("seq", "field seq is not a positive integer");
        }
        return ((Number) v).longValue();
    }

    private static List<String> proof(JsonObject json) throws InvalidReceipt {
        List<String> steps = list(json, "proof");
        for (String step : steps) {
            if (!PROOF_STEP.matcher(step).matches()) {
                throw new InvalidReceipt("proof", "field proof holds a step that is not l:<hash> or r:<hash>");
            }
        }
        return steps;
    }

    private static List<String> list(JsonObject json, String field) throws InvalidReceipt {
        if (!(json.getValue(field) instanceof JsonArray array)) {
            throw new InvalidReceipt(field, "field " + field + " is not a list");
        }
        List<String> out = new ArrayList<>(array.size());
        for (Object v : array) {
            if (!(v instanceof String s)) {
                throw new InvalidReceipt(field, "field " + field + " holds a non-string");
            }
            out.add(s);
        }
        return out;
    }

    /**
     * The receipt inside {@code json}: a receipt itself, or a tools/call result, error object, or whole JSON-RPC
     * response carrying one in {@code _meta} (a result's, or an error's {@code data}); null when there is none.
     */
    public static JsonObject find(JsonObject json) {
        boolean receiptField = json.containsKey("signature") || json.containsKey("lineHash") || json.containsKey("keyId");
        boolean answerField = json.containsKey("result") || json.containsKey("error") || json.containsKey("_meta")
                || json.containsKey("data");
        if (receiptField && !answerField) {
            return json;
        }
        for (String[] path : new String[][] {{"_meta"}, {"result", "_meta"}, {"error", "data", "_meta"},
                {"data", "_meta"}}) {
            Object at = json;
            for (String step : path) {
                at = at instanceof JsonObject o ? o.getValue(step) : null;
            }
            if (at instanceof JsonObject meta && meta.getValue(META_KEY) instanceof JsonObject receipt) {
                return receipt;
            }
        }
        return null;
    }
}
