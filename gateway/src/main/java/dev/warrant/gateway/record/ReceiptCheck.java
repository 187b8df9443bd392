package dev.warrant.gateway.record;

import dev.warrant.delegation.RootPublicKey;
import dev.warrant.gateway.crypto.Ed25519;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks a receipt offline: its signature against the audit public keys ({@link #signature}), and its line in
 * the audit files ({@link #line}): docs/ARCHITECTURE.md §11.37.
 */
public final class ReceiptCheck {

    /** Why a receipt fails; {@link #code()} is the stable word printed. */
    public enum Reason {
        RECEIPT_INVALID, RECEIPT_SIGNATURE_INVALID, RECEIPT_KEY_UNKNOWN, RECEIPT_LINE_MISSING,
        RECEIPT_LINE_MISMATCH, RECEIPT_LINE_NOT_INTACT;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A failed check; {@code field} names the receipt field at fault, when one is. */
    public record Finding(Reason reason, String field, String detail) {
        @Override
        public String toString() {
            return reason.code() + (field == null ? "" : " (" + field + ")") + ": " + detail;
        }
    }

    /** Where a receipt's line was found: file and 1-based line number. */
    public record Located(Path file, long lineNo) {
    }

    private ReceiptCheck() {
    }

    /** Empty when {@code receipt} is signed by the key it names, among {@code keys} (by key id). */
    public static Optional<Finding> signature(AuditReceipt receipt, Map<String, RootPublicKey> keys) {
        RootPublicKey key = keys.get(receipt.keyId());
        if (key == null) {
            return Optional.of(new Finding(Reason.RECEIPT_KEY_UNKNOWN, "keyId", "signed by key " + receipt.keyId()
                    + ", which is not among the audit public keys given (--key-file)"));
        }
        byte[] sig;
        try {
            sig = Base64.getUrlDecoder().decode(receipt.signature());
        } catch (IllegalArgumentException e) {
            return Optional.of(new Finding(Reason.RECEIPT_INVALID, "signature", "the signature is not base64url"));
        }
        boolean ok = Ed25519.verifies(Ed25519.publicKey(HexFormat.of().parseHex(key.hex())), receipt.signedMessage(), sig);
        return ok ? Optional.empty() : Optional.of(new Finding(Reason.RECEIPT_SIGNATURE_INVALID, null,
                "the signature does not verify with key " + receipt.keyId()
                        + ": a field was changed after signing, or another key signed it"));
    }

    /**
     * Finds the receipt's line (its member and seq) in {@code files} and checks that its bytes hash to the receipt's
     * {@code lineHash} and that its fields are the receipt's. Returns where it is, or the finding.
     */
    public static Result line(AuditReceipt receipt, List<Path> files) throws IOException {
        for (Path file : files) {
            byte[] all = Files.readAllBytes(file);
            int start = 0;
            long lineNo = 0;
            while (start < all.length) {
                int nl = start;
                while (nl < all.length && all[nl] != '\n') {
                    nl++;
                }
                lineNo++;
                if (nl < all.length) {
                    byte[] bytes = Arrays.copyOfRange(all, start, nl);
                    JsonObject json = parse(bytes);
                    if (json != null && receipt.member().equals(json.getValue("member"))
                            && Objects.equals(json.getValue("seq") instanceof Number n ? n.longValue() : null,
                            receipt.seq())) {
                        return compare(receipt, json, AuditChain.hash(bytes), new Located(file, lineNo));
                    }
                }
                start = nl + 1;
            }
        }
        return new Result(null, new Finding(Reason.RECEIPT_LINE_MISSING, null, "no line of member "
                + receipt.member() + " with seq " + receipt.seq() + " in the files given"));
    }

    /** The line found (null when missing) and what is wrong with it (null when it matches). */
    public record Result(Located located, Finding finding) {
    }

    private static Result compare(AuditReceipt receipt, JsonObject line, String hash, Located at) {
        if (!"tools/call".equals(line.getValue("method"))) {
            return new Result(at, new Finding(Reason.RECEIPT_LINE_MISMATCH, null, "the line at seq " + receipt.seq()
                    + " is not a tools/call (" + line.getValue("method") + ")"));
        }
        for (String field : AuditReceipt.FIELDS) {
            if (field.equals("lineHash") || field.equals("keyId")) {
                continue;
            }
            Object expected = receipt.value(field);
            Object actual = line.getValue(field.equals("tool") ? "target" : field);
            if (actual instanceof JsonArray a) {
                actual = a.getList();
            } else if (actual instanceof Number n) {
                actual = n.longValue();
            }
            if (!Objects.equals(expected, actual)) {
                return new Result(at, new Finding(Reason.RECEIPT_LINE_MISMATCH, field, "the receipt's " + field
                        + " is " + expected + ", the line's is " + actual));
            }
        }
        if (!hash.equals(receipt.lineHash())) {
            return new Result(at, new Finding(Reason.RECEIPT_LINE_MISMATCH, "lineHash",
                    "the line's bytes hash to " + hash + ", not to the receipt's lineHash"));
        }
        return new Result(at, null);
    }

    private static JsonObject parse(byte[] bytes) {
        try {
            return new JsonObject(new String(bytes, StandardCharsets.UTF_8));
        } catch (DecodeException | ClassCastException e) {
            return null;
        }
    }
}
