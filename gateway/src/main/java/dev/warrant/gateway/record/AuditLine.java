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

    /** One record's bytes, so that a record that cannot be encoded leaves no half line in the batch. */
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(1024);

    /** Appends {@code r}'s line to {@code out}; a record that cannot be encoded appends nothing and throws. */
    void write(AuditRecord r, boolean includeArguments, ByteArrayOutputStream out) {
        line.reset();
        try (JsonGenerator g = JSON.createGenerator(line)) {
            g.writeStartObject();
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
            line.write('\n');
            line.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void strings(JsonGenerator g, String name, List<String> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }
}
