package dev.warrant.policies;

import dev.warrant.delegation.AuthorizationLimits;
import dev.warrant.delegation.Delegator;
import dev.warrant.delegation.HopSpec;
import dev.warrant.delegation.KeyRing;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.PolicySet;
import dev.warrant.delegation.SigningKey;
import dev.warrant.delegation.VerifiedToken;
import dev.warrant.delegation.Verifier;
import dev.warrant.delegation.VerifierSettings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decision function with real tokens: a planner that may read notes delegates to a researcher restricted
 * to {@code /notes/public/}.
 */
class PolicyEngineTest {

    static final Instant NOW = Instant.parse("2026-11-25T20:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final String PEER = "spiffe://example.org/planner";

    static Verifier verifier;
    static String plannerToken;
    static VerifiedToken planner;
    static VerifiedToken researcher;
    static VerifiedToken peerBound;
    static PolicyEngine engine;

    @BeforeAll
    static void tokens() throws Exception {
        SigningKey root = SigningKey.generate("root");
        Minter minter = new Minter(root, CLOCK, Duration.ofHours(24));
        verifier = new Verifier(KeyRing.of(root.publicKey()), VerifierSettings.defaults(), CLOCK);
        plannerToken = minter.mint(MintSpec.builder("planner")
                .right("tool", "notes", "read_note")
                .task("T-42")
                .ttl(Duration.ofHours(1)).build());
        String researcherToken = Delegator.attenuate(plannerToken, HopSpec.delegateTo("researcher")
                .tools("notes", "read_note")
                .argPathPrefix("path", "/notes/public/")
                .ttl(Duration.ofMinutes(15)).build(), CLOCK);
        planner = verifier.verify(plannerToken);
        researcher = verifier.verify(researcherToken);
        peerBound = verifier.verify(minter.mint(MintSpec.builder("planner")
                .right("tool", "notes", "read_note").peer(PEER).ttl(Duration.ofHours(1)).build()));
        engine = PolicyEngine.withDefaults(CLOCK);
        assertThat(researcher.caller()).isEqualTo("researcher");
        assertThat(researcher.chain()).containsExactly("planner", "researcher");
    }

    static Operation read(Map<String, ?> args) {
        return Operation.callTool("notes", "read_note", args, RiskTier.LOW, Optional.empty());
    }

    static Operation readPath(Object path) {
        return read(Map.of("path", path));
    }

    @Test
    void researcherMayReadPublicNotes() {
        // The verdict names the statement that decided (the span's warrant.policy, the audit line's policy).
        assertThat(engine.decide(researcher, readPath("/notes/public/x"))).isEqualTo(Verdict.allow().withPolicy(
                Optional.of("<default policy>:2: allow if request($k, $s, $n), right($k, $s, $n)")));
        assertThat(engine.decide(researcher, readPath("/notes/public/a/b/c.md")).allowed()).isTrue();
        assertThat(engine.decide(researcher, readPath("file:///notes/public/x")).allowed()).isTrue();
        assertThat(engine.decide(researcher, readPath("file://localhost/notes/public/x")).allowed()).isTrue();
        assertThat(engine.decide(researcher, readPath("/notes/private/../public/x")).allowed()).isTrue();
    }

    @Test
    void traversalOutOfThePrefixFailsTheConstraint() {
        for (String path : new String[] {
                "/notes/private/x",
                "/notes/public/../private/x",
                "/notes/public/./../private/x",
                "/notes/public//..//private/x",
                "/notes/public/x/../../private/x",
                "file:///notes/public/%2e%2e/private/x",
                "file:///notes/public/..%2Fprivate/x",
                "file://evil.example/notes/public/x",
                "notes/public/x",
                "/notes/publicity/x",
                "/notes/public",
                "/notes/public/%zz/../../private"}) {
            Verdict v = engine.decide(researcher, readPath(path));
            assertThat(v.allowed()).as(path).isFalse();
            assertThat(v.reason()).as(path).isEqualTo("constraint_failed");
        }
    }

    @Test
    void anArrayMixingAllowedAndForbiddenPathsIsDenied() {
        Verdict mixed = engine.decide(researcher, readPath(List.of("/notes/public/a", "/notes/private/b")));
        assertThat(mixed.allowed()).isFalse();
        assertThat(mixed.reason()).isEqualTo("constraint_failed");

        Verdict forbiddenFirst = engine.decide(researcher, readPath(List.of("/notes/public/../private/b", "/notes/public/a")));
        assertThat(forbiddenFirst.reason()).isEqualTo("constraint_failed");

        assertThat(engine.decide(researcher, readPath(List.of("/notes/public/a", "/notes/public/b"))).allowed()).isTrue();
    }

    @Test
    void aNonPathBesideAValidPathDoesNotSlipPastTheConstraint() {
        // A lone non-path gets no arg_path and fails the (non-vacuous) check all. Beside a valid path it must
        // fail too: the upstream receives every element, and a relative path resolves wherever it likes.
        for (Object smuggled : new Object[] {"notes/../../private/plan.md", "../private/plan.md",
                "file://evil.example/notes/private/x", "file:///notes/%zz",
                "/notes/public/x\0/../../../private/plan.md", 42L, true}) {
            Verdict v = engine.decide(researcher, readPath(List.of("/notes/public/a", smuggled)));
            assertThat(v.reason()).as("%s", smuggled).isEqualTo("constraint_failed");
            Verdict reversed = engine.decide(researcher, readPath(List.of(smuggled, "/notes/public/a")));
            assertThat(reversed.reason()).as("%s", smuggled).isEqualTo("constraint_failed");
        }
    }

    @Test
    void aDottedKeyCollisionCannotHideANonPath() throws Exception {
        // {"options.path": valid, "options": {"path": relative}} both flatten to options.path.
        PolicyEngine e = PolicyEngine.withDefaults(CLOCK);
        String token = Delegator.attenuate(plannerToken, HopSpec.delegateTo("researcher")
                .tools("notes", "read_note")
                .argPathPrefix("options.path", "/notes/public/")
                .build(), CLOCK);
        VerifiedToken nested = verifier.verify(token);
        Map<String, Object> args = new java.util.LinkedHashMap<>();
        args.put("options.path", "/notes/public/a");
        args.put("options", Map.of("path", "../private/plan.md"));
        assertThat(e.decide(nested, read(args)).reason()).isEqualTo("constraint_failed");
        assertThat(e.decide(nested, read(Map.of("options", Map.of("path", "/notes/public/a")))).allowed()).isTrue();
    }

    @Test
    void aMissingConstrainedArgumentIsDenied() {
        assertThat(engine.decide(researcher, read(Map.of())).reason()).isEqualTo("constraint_failed");
        assertThat(engine.decide(researcher, read(Map.of("other", "/notes/public/x"))).reason()).isEqualTo("constraint_failed");
        assertThat(engine.decide(researcher, readPath(List.of())).reason()).isEqualTo("constraint_failed");
        Map<String, Object> nullPath = new HashMap<>();
        nullPath.put("path", null);
        assertThat(engine.decide(researcher, read(nullPath)).reason()).isEqualTo("constraint_failed");
    }

    @Test
    void nestedPathArgumentsAreNotTheConstrainedOne() {
        // arg_path("path") is the top-level key only; options.path is another key.
        assertThat(engine.decide(researcher, read(Map.of("options", Map.of("path", "/notes/public/x")))).reason())
                .isEqualTo("constraint_failed");
    }

    @Test
    void argumentValuesCannotInjectDatalog() {
        Verdict v = engine.decide(researcher, readPath("/notes/private/x\"); allow if true; //"));
        assertThat(v.allowed()).isFalse();
        Verdict key = engine.decide(researcher, read(Map.of(
                "path\", \"/notes/public/x\"); allow if true; //", "/notes/private/x")));
        assertThat(key.allowed()).isFalse();
    }

    @Test
    void theDelegatorIsUnconstrained() {
        assertThat(engine.decide(planner, readPath("/notes/private/plan.md")).allowed()).isTrue();
        assertThat(engine.decide(planner, read(Map.of())).allowed()).isTrue();
    }

    @Test
    void toolsOutsideTheRightsAreNotPermitted() {
        Verdict write = engine.decide(planner, Operation.callTool("notes", "write_note",
                Map.of("path", "/notes/public/x"), RiskTier.HIGH, Optional.empty()));
        assertThat(write.allowed()).isFalse();
        assertThat(write.reason()).isEqualTo("not_permitted");

        Verdict otherServer = engine.decide(planner, Operation.callTool("files", "read_note",
                Map.of("path", "/notes/public/x"), RiskTier.LOW, Optional.empty()));
        assertThat(otherServer.allowed()).isFalse();

        Verdict researcherWrite = engine.decide(researcher, Operation.callTool("notes", "write_note",
                Map.of("path", "/notes/public/x"), RiskTier.HIGH, Optional.empty()));
        assertThat(researcherWrite.allowed()).isFalse();
    }

    @Test
    void overTheArgumentLimitIsDeniedWithItsOwnReason() {
        PolicyEngine small = new PolicyEngine(PolicySet.defaults(), AuthorizationLimits.defaults(),
                new ArgumentLimits(4, 3, 64), CLOCK);
        assertThat(small.decide(researcher, readPath("/notes/public/x")).allowed()).isTrue();

        List<String> paths = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            paths.add("/notes/public/" + i);
        }
        Verdict tooMany = small.decide(researcher, readPath(paths));
        assertThat(tooMany.allowed()).isFalse();
        assertThat(tooMany.reason()).isEqualTo(PolicyEngine.ARGUMENT_LIMIT).isEqualTo("argument_limit");
        assertThat(tooMany.detail()).isNotBlank();

        Verdict tooLong = small.decide(researcher, readPath("/notes/public/" + "x".repeat(100)));
        assertThat(tooLong.reason()).isEqualTo("argument_limit");

        Verdict tooDeep = small.decide(planner, read(Map.of("a", Map.of("b", Map.of("c", Map.of("d", 1))))));
        assertThat(tooDeep.reason()).isEqualTo("argument_limit");

        // The unconstrained planner is refused too: the limit is not a constraint, it bounds the work.
        Verdict plannerTooMany = small.decide(planner, read(Map.of("n", List.of(1, 2, 3, 4, 5))));
        assertThat(plannerTooMany.reason()).isEqualTo("argument_limit");
    }

    @Test
    void anArgumentWithAnEmptyNameIsDeniedNotThrown() {
        Verdict v = engine.decide(planner, read(Map.of("", "x")));
        assertThat(v.allowed()).isFalse();
        assertThat(v.reason()).isEqualTo("argument_limit");
    }

    @Test
    void listingShowsExactlyWhatMayBeCalled() {
        assertThat(engine.decide(researcher, Operation.listTool("notes", "read_note", RiskTier.LOW, Optional.empty())).allowed())
                .isTrue();
        assertThat(engine.decide(planner, Operation.listTool("notes", "read_note", RiskTier.LOW, Optional.empty())).allowed())
                .isTrue();
        assertThat(engine.decide(researcher, Operation.listTool("notes", "write_note", RiskTier.HIGH, Optional.empty())).allowed())
                .isFalse();
        assertThat(engine.decide(planner, Operation.listTool("notes", "list_notes", RiskTier.LOW, Optional.empty())).allowed())
                .isFalse();
        assertThat(engine.decide(researcher, Operation.listTool("other", "read_note", RiskTier.LOW, Optional.empty())).allowed())
                .isFalse();
    }

    @Test
    void expiryIsCheckedAgainstTheEnginesClock() {
        PolicyEngine later = PolicyEngine.withDefaults(Clock.fixed(NOW.plus(Duration.ofMinutes(30)), ZoneOffset.UTC));
        // The planner's token lives an hour, the researcher's hop 15 minutes.
        assertThat(later.decide(planner, readPath("/notes/public/x")).allowed()).isTrue();
        Verdict hopExpired = later.decide(researcher, readPath("/notes/public/x"));
        assertThat(hopExpired.allowed()).isFalse();
        assertThat(hopExpired.reason()).isEqualTo("token_expired");

        PolicyEngine muchLater = PolicyEngine.withDefaults(Clock.fixed(NOW.plus(Duration.ofHours(2)), ZoneOffset.UTC));
        assertThat(muchLater.decide(planner, readPath("/notes/public/x")).reason()).isEqualTo("token_expired");
    }

    @Test
    void peerBoundTokensNeedThePeer() {
        Operation without = read(Map.of());
        Operation wrongPeer = Operation.callTool("notes", "read_note", Map.of(), RiskTier.LOW,
                Optional.of("spiffe://example.org/mallory"));
        Operation rightPeer = Operation.callTool("notes", "read_note", Map.of(), RiskTier.LOW, Optional.of(PEER));
        assertThat(engine.decide(peerBound, without).reason()).isEqualTo("authority_check_failed");
        assertThat(engine.decide(peerBound, wrongPeer).reason()).isEqualTo("authority_check_failed");
        assertThat(engine.decide(peerBound, rightPeer).allowed()).isTrue();
    }

    @Test
    void riskIsAFactPoliciesCanUse() throws Exception {
        PolicyEngine noHighRisk = new PolicyEngine(
                PolicySet.concat(PolicySet.parse("deny if risk(\"high\");", "risk.datalog"), PolicySet.defaults()),
                AuthorizationLimits.defaults(), ArgumentLimits.defaults(), CLOCK);
        assertThat(noHighRisk.decide(planner, read(Map.of())).allowed()).isTrue();
        Verdict high = noHighRisk.decide(planner, Operation.callTool("notes", "read_note", Map.of(),
                RiskTier.HIGH, Optional.empty()));
        assertThat(high.allowed()).isFalse();
        assertThat(high.reason()).isEqualTo("not_permitted");
        // Unknown risk: no risk fact, so the deny does not match.
        assertThat(noHighRisk.decide(planner, Operation.callTool("notes", "read_note", Map.of(),
                null, Optional.empty())).allowed()).isTrue();
    }

    @Test
    void callerAndChainAreFactsPoliciesCanUse() throws Exception {
        PolicyEngine noResearchers = new PolicyEngine(
                PolicySet.concat(PolicySet.parse("deny if chain(\"researcher\");", "chain.datalog"), PolicySet.defaults()),
                AuthorizationLimits.defaults(), ArgumentLimits.defaults(), CLOCK);
        assertThat(noResearchers.decide(planner, readPath("/notes/public/x")).allowed()).isTrue();
        assertThat(noResearchers.decide(researcher, readPath("/notes/public/x")).reason()).isEqualTo("not_permitted");
    }

    @Test
    void replacePoliciesSwapsTheSetForTheNextDecision() throws Exception {
        PolicyEngine swapped = PolicyEngine.withDefaults(CLOCK);
        PolicySet original = swapped.policies();
        assertThat(swapped.decide(planner, readPath("/notes/public/x")).allowed()).isTrue();

        PolicySet denyReads = PolicySet.concat(
                PolicySet.parse("deny if request(\"tool\", \"notes\", \"read_note\");", "x"), PolicySet.defaults());
        swapped.replacePolicies(denyReads);
        assertThat(swapped.policies()).isSameAs(denyReads);
        Verdict denied = swapped.decide(planner, readPath("/notes/public/x"));
        assertThat(denied.allowed()).isFalse();
        assertThat(denied.reason()).isEqualTo("not_permitted");
        // Listing goes through the same decision: the tool disappears from lists too.
        assertThat(swapped.decide(planner, Operation.listTool("notes", "read_note", RiskTier.LOW, Optional.empty())).allowed())
                .isFalse();
        // Other engines are unaffected.
        assertThat(engine.decide(planner, readPath("/notes/public/x")).allowed()).isTrue();

        swapped.replacePolicies(original);
        assertThat(swapped.decide(planner, readPath("/notes/public/x")).allowed()).isTrue();
    }

    @Test
    void anEmptyPolicySetDeniesEverything() {
        PolicyEngine none = new PolicyEngine(PolicySet.empty(), AuthorizationLimits.defaults(), ArgumentLimits.defaults(), CLOCK);
        Verdict v = none.decide(planner, readPath("/notes/public/x"));
        assertThat(v.allowed()).isFalse();
        assertThat(v.reason()).isEqualTo("not_permitted");
    }

    @Test
    void concurrentDecisionsSeeEitherTheOldOrTheNewSet() throws Exception {
        PolicyEngine shared = PolicyEngine.withDefaults(CLOCK);
        PolicySet allow = shared.policies();
        PolicySet deny = PolicySet.concat(
                PolicySet.parse("deny if request(\"tool\", \"notes\", \"read_note\");", "x"), PolicySet.defaults());
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<Object> unexpected = new ConcurrentLinkedQueue<>();
        int threads = 4;
        CountDownLatch started = new CountDownLatch(threads);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                started.countDown();
                while (!stop.get()) {
                    try {
                        Verdict v = shared.decide(researcher, readPath("/notes/public/x"));
                        if (!v.allowed() && !v.reason().equals("not_permitted")) {
                            unexpected.add(v);
                        }
                    } catch (RuntimeException e) {
                        unexpected.add(e);
                    }
                }
            });
            worker.start();
            workers.add(worker);
        }
        assertThat(started.await(10, TimeUnit.SECONDS)).as("workers started").isTrue();
        for (int i = 0; i < 200; i++) {
            shared.replacePolicies(i % 2 == 0 ? deny : allow);
            Thread.onSpinWait();
        }
        shared.replacePolicies(deny);
        // Once the swap has happened, every new decision uses the new set.
        assertThat(shared.decide(researcher, readPath("/notes/public/x")).reason()).isEqualTo("not_permitted");
        stop.set(true);
        for (Thread w : workers) {
            w.join(10_000);
            assertThat(w.isAlive()).as("a worker still running").isFalse();
        }
        assertThat(unexpected).isEmpty();
    }
}
