package dev.warrant.gateway.identity;

import dev.warrant.delegation.ClaimMapping;
import dev.warrant.delegation.PolicyParseException;
import dev.warrant.gateway.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The identity mapping file, hot reloaded like the policy directory: polled (size, modification time), parsed in
 * full on a change, swapped in only when it parses; a broken edit keeps the previous mapping in force and is
 * logged and kept ({@link #lastError}). The version tells cached identities minted under an older mapping.
 *
 * <p>Concurrency: one daemon thread polls and parses; {@link #current} is a volatile read, safe anywhere.
 */
public final class MappingFile implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MappingFile.class);

    /** The mapping in force and its version (1 at start, one more per accepted change). */
    public record Loaded(ClaimMapping mapping, long version) {
    }

    private final Path file;
    private final ScheduledExecutorService poller;
    private volatile Loaded current;
    private volatile String stamp;
    private volatile Optional<String> lastError = Optional.empty();

    /** Loads the file now: a missing or broken mapping fails the start. */
    public MappingFile(Path file) {
        this.file = file;
        this.stamp = stamp();
        this.current = new Loaded(read(file), 1);
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "warrant-identity-mapping-reload");
            t.setDaemon(true);
            return t;
        });
    }

    /** Parses a mapping file, as the start and {@code warrant policy check} do. */
    public static ClaimMapping read(Path file) {
        try {
            return ClaimMapping.parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new ConfigException("identity.mapping: cannot read " + file + ": " + e.getMessage());
        } catch (PolicyParseException e) {
            throw new ConfigException("identity.mapping: " + e.getMessage());
        }
    }

    public MappingFile start(java.time.Duration interval) {
        long millis = Math.max(100, interval.toMillis());
        poller.scheduleWithFixedDelay(this::reloadIfChanged, millis, millis, TimeUnit.MILLISECONDS);
        return this;
    }

    public Loaded current() {
        return current;
    }

    public Optional<String> lastError() {
        return lastError;
    }

    /** @return true when a changed file was parsed and swapped in */
    public synchronized boolean reloadIfChanged() {
        String now = stamp();
        if (now.equals(stamp)) {
            return false;
        }
        stamp = now;
        try {
            current = new Loaded(read(file), current.version() + 1);
            lastError = Optional.empty();
            LOG.info("identity mapping {} reloaded (version {})", file, current.version());
            return true;
        } catch (ConfigException e) {
            lastError = Optional.of(e.getMessage());
            LOG.error("identity mapping change refused, the previous mapping stays in force: {}", e.getMessage());
            return false;
        }
    }

    private String stamp() {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return a.size() + ":" + a.lastModifiedTime().toMillis() + ":" + Files.readString(file).hashCode();
        } catch (IOException e) {
            return "unreadable";
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
