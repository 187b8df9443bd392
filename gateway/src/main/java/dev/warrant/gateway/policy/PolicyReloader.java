package dev.warrant.gateway.policy;

import dev.warrant.delegation.PolicyParseException;
import dev.warrant.delegation.PolicySet;
import dev.warrant.gateway.config.ConfigException;
import dev.warrant.policies.PolicyEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * Hot reload of the policy directory. A change to any {@code *.datalog} file (added, removed, edited) is
 * parsed in full; if every file parses, the engine's policy set is swapped atomically — a call in flight
 * finishes under the set it started with, the next call sees the whole new set, never a mix. If a file does
 * not parse, the previous set stays in force and the error (file, line, message) is logged and kept for
 * the admin API.
 *
 * <p>Concurrency: one daemon thread polls the directory (a fingerprint of names, sizes, modification
 * times and checksums; polling works on every file system, unlike WatchService on some container mounts); parsing runs
 * there, never on an event loop. {@link #status()} may be read from any thread.
 */
public final class PolicyReloader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyReloader.class);

    /**
     * What is in force, and the last refused change if any.
     *
     * @param sha256      a digest of the files in force (names and contents), to compare members
     * @param lastError   the last refused change in one line ({@code policy file:line: message})
     * @param lastRefusal the same, with its parts and time
     */
    public record Status(long version, Instant loadedAt, List<String> files, Optional<String> lastError, Path dir,
                         String sha256, Optional<Refusal> lastRefusal) {
    }

    /**
     * A change that did not take: the file and 1-based line of the statement that did not parse (absent when
     * the directory itself could not be read), the message, and when the reloader refused it.
     */
    public record Refusal(Optional<String> file, Optional<Integer> line, String message, Instant at) {
    }

    private final Path dir;
    private final PolicyEngine engine;
    private final Clock clock;
    private final ScheduledExecutorService poller;
    private volatile String fingerprint;
    private volatile Status status;

    /** Loads the directory now (failing the start if it does not parse) and remembers its state. */
    public PolicyReloader(Path dir, PolicyEngine engine, Clock clock) {
        this.dir = dir;
        this.engine = engine;
        this.clock = clock;
        this.fingerprint = fingerprint();
        PolicyFiles.Loaded loaded;
        try {
            loaded = PolicyFiles.read(dir);
        } catch (PolicyParseException e) {
            throw new ConfigException("policy " + e.sourceName() + ":" + e.line() + ": " + e.getMessage());
        }
        engine.replacePolicies(PolicySet.concat(loaded.policies(), PolicySet.defaults()));
        this.status = new Status(1, clock.instant(), loaded.files(), Optional.empty(), dir, loaded.sha256(),
                Optional.empty());
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "warrant-policy-reload");
            t.setDaemon(true);
            return t;
        });
    }

    public PolicyReloader start(Duration interval) {
        long millis = Math.max(100, interval.toMillis());
        poller.scheduleWithFixedDelay(this::reloadIfChanged, millis, millis, TimeUnit.MILLISECONDS);
        return this;
    }

    /** Checks the directory once; returns true when a new set was swapped in. */
    public synchronized boolean reloadIfChanged() {
        String now = fingerprint();
        if (now.equals(fingerprint)) {
            return false;
        }
        fingerprint = now;
        Status previous = status;
        try {
            PolicyFiles.Loaded loaded = PolicyFiles.read(dir);
            engine.replacePolicies(PolicySet.concat(loaded.policies(), PolicySet.defaults()));
            status = new Status(previous.version() + 1, clock.instant(), loaded.files(), Optional.empty(), dir,
                    loaded.sha256(), Optional.empty());
            LOG.info("policies reloaded from {} (version {}, {} files)", dir, status.version(), status.files().size());
            return true;
        } catch (PolicyParseException e) {
            String line = "policy " + e.sourceName() + ":" + e.line() + ": " + e.reason();
            refused(previous, line, new Refusal(Optional.of(e.sourceName()), Optional.of(e.line()), e.reason(),
                    clock.instant()));
            LOG.error("policy change refused, version {} stays in force: {}", previous.version(), line);
            return false;
        } catch (ConfigException e) {
            refused(previous, e.getMessage(), new Refusal(Optional.empty(), Optional.empty(), e.getMessage(),
                    clock.instant()));
            LOG.error("policy change refused, version {} stays in force: {}", previous.version(), e.getMessage());
            return false;
        } catch (RuntimeException e) {
            String message = "policy reload failed: " + e;
            refused(previous, message, new Refusal(Optional.empty(), Optional.empty(), message, clock.instant()));
            LOG.error("policy reload failed, version {} stays in force", previous.version(), e);
            return false;
        }
    }

    /** The set in force stays; the refusal is kept for the admin API. */
    private void refused(Status previous, String line, Refusal refusal) {
        status = new Status(previous.version(), previous.loadedAt(), previous.files(), Optional.of(line),
                previous.dir(), previous.sha256(), Optional.of(refusal));
    }

    public Status status() {
        return status;
    }

    private String fingerprint() {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : list.filter(PolicyReloader::isPolicyFile).sorted().toList()) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                // Content checksum too: an edit within the file system's timestamp granularity keeps the mtime.
                CRC32 crc = new CRC32();
                crc.update(Files.readAllBytes(p));
                sb.append(p.getFileName()).append('|').append(a.size()).append('|')
                        .append(a.lastModifiedTime().toMillis()).append('|').append(crc.getValue()).append('\n');
            }
        } catch (IOException e) {
            sb.append("unreadable:").append(e.getMessage());
        }
        return sb.toString();
    }

    private static boolean isPolicyFile(Path p) {
        return p.getFileName().toString().endsWith(".datalog");
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
