package dev.warrant.gateway.record;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * One audit record as one line of JSON: every field in a fixed order, absent values as {@code null}, then a
 * line feed. Written with a streaming generator straight into the writer's buffer, which costs the writer
 * thread less CPU than a {@code JsonObject} encoded to a String and then bytes (docs/PERFORMANCE-HISTORY.md).
 *
 * <p>Concurrency: not thread-safe; owned by the audit writer thread.
 */
final class AuditLine {

    private static final JsonFactory JSON = new JsonFactory();

    /** The {@code decision} of a checkpoint line, which records no call. */
    static final String CHECKPOINT = "checkpoint";
    /** What a checkpoint's signature follows; the bytes before it are what was signed. */
    static final String SIGNATURE_FIELD = ",\"signature\":\"";

    /** One line's bytes, readable in place (hashing it copies nothing). */
    private static final class LineBuffer extends ByteArrayOutputStream {
        LineBuffer() {
            super(1024);
        }

        byte[] bytes() {
            return buf;
        }
    }

    /** One record's bytes, so that a record that cannot be encoded leaves no half line in the batch. */
    private final LineBuffer line = new LineBuffer();

    /**
     * Appends {@code r}'s line, chained to {@code chain}'s head, to {@code out} and advances the chain; a record
     * that cannot be encoded appends nothing, leaves the chain as it was and throws.
     */
    void write(AuditRecord r, boolean includeArguments, AuditChain chain, ByteArrayOutputStream out) {
        line.reset();
        try (JsonGenerator g = JSON.createGenerator(line)) {
            g.writeStartObject();
            chained(g, chain);
            g.writeStringField("time", r.time().toString());
            g.writeStringField("decision", r.decision());
            g.writeStringField("reason", r.reason());
            g.writeStringField("policy", r.policy());
            g.writeStringField("caller", r.caller());
            strings(g, "chain", r.chain());
            g.writeStringField("task", r.task());
            g.writeStringField("method", r.method());
            g.writeStringField("target", r.target());
            g.writeStringField("argumentDigest", r.argumentDigest());
            g.writeStringField("riskTier", r.riskTier());
            g.writeStringField("approvalId", r.approvalId());
            g.writeStringField("approver", r.approver());
            g.writeStringField("approverReason", r.approverReason());
            strings(g, "revocationIds", r.revocationIds());
            g.writeStringField("traceId", r.traceId());
            g.writeStringField("sessionId", r.sessionId());
            g.writeNumberField("latencyMicros", r.latencyMicros());
            g.writeStringField("correlationId", r.correlationId());
            if (includeArguments) {
                g.writeFieldName("arguments");
                if (r.arguments() == null) {
                    g.writeNull();
                } else {
                    g.writeRawValue(r.arguments().encode()); // compact: never a line break
                }
            }
            g.writeEndObject();
            g.flush();
            end(chain, false, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Appends a checkpoint sealing the chain's head: chained like any line, naming the sealed line's seq and hash
     * and the key, and signed by {@code key} over every byte of the line before {@code ,"signature":}.
     */
    void writeCheckpoint(AuditChain chain, java.time.Instant now, dev.warrant.delegation.SigningKey key,
                         ByteArrayOutputStream out) {
        line.reset();
        try (JsonGenerator g = JSON.createGenerator(line)) {
            g.writeStartObject();
            long sealedSeq = chain.lastSeq();
            String sealedHash = chain.prev();
            chained(g, chain);
            g.writeStringField("time", now.toString());
            g.writeStringField("decision", CHECKPOINT);
            g.writeStringField("keyId", key.keyId());
            g.writeNumberField("sealedSeq", sealedSeq);
            g.writeStringField("sealedHash", sealedHash);
            g.flush();
            byte[] signature = key.sign(java.util.Arrays.copyOf(line.bytes(), line.size()));
            g.writeStringField("signature", java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(signature));
            g.writeEndObject();
            g.flush();
            end(chain, true, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void chained(JsonGenerator g, AuditChain chain) throws IOException {
        g.writeNumberField("seq", chain.nextSeq());
        g.writeStringField("member", chain.memberId());
        g.writeStringField("prev", chain.prev());
    }

    private void end(AuditChain chain, boolean checkpoint, ByteArrayOutputStream out) throws IOException {
        chain.appended(line.bytes(), 0, line.size(), checkpoint);
        line.write('\n');
        line.writeTo(out);
    }

    private static void strings(JsonGenerator g, String name, List<String> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }
}
