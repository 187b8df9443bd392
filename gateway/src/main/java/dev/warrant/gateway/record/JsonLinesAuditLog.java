package dev.warrant.gateway.record;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Appends one JSON object per line to a file, on a dedicated writer thread so file I/O never runs on an
 * event loop. Each line is flushed as written. (Durability guarantees — fsync before answering denials,
 * rotation — are deepened by the audit issue; this is the walking-skeleton version.)
 */
public final class JsonLinesAuditLog implements AuditSink {

    private static final Logger LOG = LoggerFactory.getLogger(JsonLinesAuditLog.class);

    private final ExecutorService writerThread;
    private final BufferedWriter writer;

    public JsonLinesAuditLog(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        this.writerThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "warrant-audit");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void record(AuditRecord record) {
        String line = toJson(record).encode();
        try {
            writerThread.execute(() -> write(line));
        } catch (RuntimeException rejected) {
            LOG.warn("audit log closed; dropped a record for {}", record.method());
        }
    }

    private void write(String line) {
        try {
            writer.write(line);
            writer.write('\n');
            writer.flush();
        } catch (IOException e) {
            LOG.error("audit log write failed: {}", e.toString());
        }
    }

    static JsonObject toJson(AuditRecord r) {
        JsonObject json = new JsonObject()
                .put("time", r.time().toString())
                .put("decision", r.decision())
                .put("reason", r.reason())
                .put("caller", r.caller())
                .put("chain", new JsonArray(r.chain()))
                .put("task", r.task())
                .put("method", r.method())
                .put("target", r.target())
                .put("argumentDigest", r.argumentDigest())
                .put("revocationIds", new JsonArray(r.revocationIds()))
                .put("traceId", r.traceId())
                .put("sessionId", r.sessionId())
                .put("latencyMicros", r.latencyMicros());
        return json;
    }

    @Override
    public void close() {
        writerThread.shutdown();
        try {
            writerThread.awaitTermination(5, TimeUnit.SECONDS);
            writer.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.warn("closing audit log: {}", e.toString());
        }
    }
}
