package dev.warrant.gateway.policy;

import dev.warrant.delegation.KeyRing;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.SigningKey;
import dev.warrant.delegation.VerifiedToken;
import dev.warrant.delegation.Verifier;
import dev.warrant.delegation.VerifierSettings;
import dev.warrant.gateway.config.ConfigException;
import dev.warrant.policies.Operation;
import dev.warrant.policies.PolicyEngine;
import dev.warrant.policies.Verdict;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Policy hot reload: valid changes swap in whole, broken ones are refused with file and line. */
class PolicyReloaderTest {

    static final String DENY_READ = "deny if request(\"tool\", \"notes\", \"read_note\");\n";
    static final String DENY_WRITE = "deny if request(\"tool\", \"notes\", \"write_note\");\n";

    @TempDir
    Path dir;

    VerifiedToken planner;
    PolicyEngine engine;

    @BeforeEach
    void token() throws Exception {
        SigningKey key = SigningKey.generate("k1");
        String token = new Minter(key, Clock.systemUTC(), Duration.ofHours(1)).mint(MintSpec.builder("planner")
                .right("tool", "notes", "read_note").right("tool", "notes", "write_note").build());
        planner = new Verifier(KeyRing.of(key.publicKey()), VerifierSettings.defaults(), Clock.systemUTC()).verify(token);
        // The authorizer's wall-clock backstop (250 ms) is not what this class tests: three busy callers on a
        // loaded 2-core machine can be descheduled that long, which would read as a timeout, not a set swap.
        engine = new PolicyEngine(dev.warrant.delegation.PolicySet.defaults(),
                new dev.warrant.delegation.AuthorizationLimits(1000, 100, java.time.Duration.ofSeconds(30)),
                dev.warrant.policies.ArgumentLimits.defaults(), Clock.systemUTC());
    }

    private boolean allowed(String tool) {
        Verdict v = engine.decide(planner, Operation.callTool("notes", tool, Map.of(), null, Optional.empty()));
        return v.allowed();
    }

    private void write(String name, String content) throws Exception {
        Path tmp = dir.resolve(name + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void aValidChangeIsSwappedInAndABrokenOneIsRefusedWithItsLine() throws Exception {
        write("10-guard.datalog", DENY_READ);
        try (PolicyReloader reloader = new PolicyReloader(dir, engine, Clock.systemUTC())) {
            assertThat(allowed("read_note")).isFalse();
            assertThat(allowed("write_note")).isTrue();
            assertThat(reloader.reloadIfChanged()).as("nothing changed").isFalse();

            write("10-guard.datalog", DENY_WRITE);
            assertThat(reloader.reloadIfChanged()).isTrue();
            assertThat(allowed("read_note")).isTrue();
            assertThat(allowed("write_note")).isFalse();
            assertThat(reloader.status().version()).isEqualTo(2);

            write("20-broken.datalog", "// fine\n" + DENY_READ + "allow if this is not datalog;\n");
            assertThat(reloader.reloadIfChanged()).isFalse();
            assertThat(reloader.status().lastError()).hasValueSatisfying(e ->
                    assertThat(e).contains("20-broken.datalog:3"));
            // The previous set stays in force: read allowed, write denied, version unchanged.
            assertThat(allowed("read_note")).isTrue();
            assertThat(allowed("write_note")).isFalse();
            assertThat(reloader.status().version()).isEqualTo(2);

            Files.delete(dir.resolve("20-broken.datalog"));
            Files.delete(dir.resolve("10-guard.datalog"));
            assertThat(reloader.reloadIfChanged()).isTrue();
            assertThat(reloader.status().lastError()).isEmpty();
            assertThat(allowed("read_note")).isTrue();
            assertThat(allowed("write_note")).isTrue();
        }
    }

    @Test
    void aBrokenDirectoryAtStartFailsTheStart() throws Exception {
        write("bad.datalog", "allow if ;\n");
        assertThatThrownBy(() -> new PolicyReloader(dir, engine, Clock.systemUTC()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("bad.datalog:1");
    }

    @Test
    void decisionsDuringReloadsAlwaysSeeOneWholeSetAndNeverFailOpen() throws Exception {
        write("10-guard.datalog", DENY_READ);
        try (PolicyReloader reloader = new PolicyReloader(dir, engine, Clock.systemUTC())) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger decisions = new AtomicInteger();
            ExecutorService callers = Executors.newFixedThreadPool(3);
            List<Future<?>> running = new java.util.ArrayList<>();
            for (int t = 0; t < 3; t++) {
                running.add(callers.submit(() -> {
                    while (!stop.get()) {
                        // Each decision is made by one whole set (the engine swaps a single reference): its
                        // outcome is one that some version produces, never an evaluation error.
                        for (String tool : List.of("read_note", "write_note")) {
                            Verdict v = engine.decide(planner, Operation.callTool("notes", tool, Map.of(), null, Optional.empty()));
                            assertThat(v.reason()).isIn("allowed", "not_permitted");
                        }
                        decisions.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (int i = 0; i < 40; i++) {
                awaitADecision(decisions, running);
                write("10-guard.datalog", i % 2 == 0 ? DENY_WRITE : DENY_READ);
                reloader.reloadIfChanged();
                if (i % 10 == 5) {
                    // A broken edit in the middle of the churn: refused, the last good set stays.
                    write("10-guard.datalog", "deny if (;\n");
                    assertThat(reloader.reloadIfChanged()).isFalse();
                }
            }
            awaitADecision(decisions, running);
            stop.set(true);
            for (Future<?> f : running) {
                f.get(10, TimeUnit.SECONDS);
            }
            callers.shutdownNow();
            assertThat(decisions.get()).isGreaterThan(40);
        }
    }

    /** Decisions really run between the reloads: waits for one more; a caller that failed fails the test at once. */
    private static void awaitADecision(AtomicInteger decisions, List<Future<?>> callers) {
        int before = decisions.get();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            for (Future<?> caller : callers) {
                if (caller.isDone()) {
                    caller.get(); // throws what the caller threw
                }
            }
            return decisions.get() > before;
        });
    }
}
