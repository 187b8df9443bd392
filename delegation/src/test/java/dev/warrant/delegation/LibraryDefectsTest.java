package dev.warrant.delegation;

import biscuit.format.schema.Schema;
import org.biscuitsec.biscuit.crypto.PublicKey;
import org.biscuitsec.biscuit.datalog.RunLimits;
import org.biscuitsec.biscuit.error.Error;
import org.biscuitsec.biscuit.token.Authorizer;
import org.biscuitsec.biscuit.token.UnverifiedBiscuit;
import org.biscuitsec.biscuit.token.builder.Block;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.warrant.delegation.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Regression tests for the biscuit-java 4.0.1 defects listed in docs/ARCHITECTURE.md §3.6. */
class LibraryDefectsTest {
    /** The library's default 5 ms wall clock fails these tests on a cold JVM (defect 5 itself). */
    static final RunLimits RELAXED = new RunLimits(1000, 100, Duration.ofSeconds(5));

    @Test
    void defect1_unverifiedBiscuitVerifyIgnoresTheSignature_weNeverCallIt() throws Exception {
        String forged = new Minter(SigningKey.fromHex("1", OTHER.privateKeyHex()), CLOCK, Duration.ofHours(1))
                .mint(MintSpec.builder("mallory").right("admin", "*", "*").build());
        PublicKey realRoot = new PublicKey(Schema.PublicKey.Algorithm.Ed25519, ROOT.publicKey().hex());
        // The library path accepts a token signed by another key:
        assertThat(UnverifiedBiscuit.from_b64url(forged).verify(realRoot)).isNotNull();
        // Ours does not:
        TokenException e = catchThrowableOfType(TokenException.class, () -> VERIFIER.verify(forged));
        assertThat(e.reason()).isEqualTo(TokenReason.SIGNATURE_INVALID);
        // And no main source calls any .verify( of the library.
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                assertThat(Files.readString(f)).as(f.toString()).doesNotContain(".verify(");
            }
        }
    }

    @Test
    void defect3_booleanNotEqualIsInverted_soWeNeverEmitIt() throws Exception {
        Authorizer inverted = new Authorizer();
        inverted.add_policy("allow if true != true");
        inverted.add_policy("deny if true");
        assertThat(inverted.authorize(RELAXED)).as("4.0.1 evaluates true != true as true").isZero();

        Authorizer correct = new Authorizer();
        correct.add_policy("allow if true != false");
        correct.add_policy("deny if true");
        assertThatThrownBy(() -> correct.authorize(RELAXED)).as("and true != false as false").isInstanceOf(Error.FailedLogic.class);

        String token = Delegator.attenuate(plannerToken(), HopSpec.delegateTo("r").tools("notes", "read_note")
                .argEquals("a", "b").argRange("n", 1, 2).argPathPrefix("p", "/").build(), CLOCK);
        assertThat(UnverifiedBiscuit.from_b64url(token).print()).doesNotContain("!=");
    }

    @Test
    void defect4_rootKeyIdIsLostOnOfflineAttenuation_ringTriesEveryKey() throws Exception {
        String token = plannerToken();
        Block block = new Block();
        block.add_fact("delegation(\"planner\", \"researcher\")");
        String libraryAttenuated = UnverifiedBiscuit.from_b64url(token).attenuate(block).serialize_b64url();
        assertThat(proto(token).hasRootKeyId()).isTrue();
        assertThat(proto(libraryAttenuated).hasRootKeyId()).as("the library dropped the id").isFalse();

        Verifier twoKeys = new Verifier(KeyRing.of(OTHER.publicKey(), ROOT.publicKey()), VerifierSettings.defaults(), CLOCK);
        VerifiedToken v = twoKeys.verify(libraryAttenuated);
        assertThat(v.caller()).isEqualTo("researcher");
        assertThat(v.rootKeyId()).isEqualTo("1");

        // Ring without the signing key: rejected even without an id to look up.
        Verifier wrongRing = new Verifier(KeyRing.of(OTHER.publicKey()), VerifierSettings.defaults(), CLOCK);
        assertThat(catchThrowableOfType(TokenException.class, () -> wrongRing.verify(libraryAttenuated)).reason())
                .isEqualTo(TokenReason.SIGNATURE_INVALID);

        // Our Delegator puts the parent's id back (it is outside every signature).
        String ours = Delegator.attenuate(token, HopSpec.delegateTo("researcher").build(), CLOCK);
        assertThat(proto(ours).getRootKeyId()).isEqualTo(1);
        assertThat(VERIFIER.verify(ours).caller()).isEqualTo("researcher");
    }

    @Test
    void defect5_limitsDenyFastAndNeverAllow() throws Exception {
        StringBuilder facts = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            facts.append("n(").append(i).append(");");
        }
        Block block = new Block();
        for (String f : facts.toString().split(";")) {
            block.add_fact(f);
        }
        block.add_rule("pair($a, $b) <- n($a), n($b)");
        String join = UnverifiedBiscuit.from_b64url(plannerToken()).attenuate(block).serialize_b64url();
        // A join in an attenuation block is refused at verification (TokenShape): the library only checks its
        // time limit between derived facts, so a join-heavy check could run for minutes.
        assertThatThrownBy(() -> VERIFIER.verify(join)).isInstanceOfSatisfying(TokenException.class,
                e -> assertThat(e.reason()).isEqualTo(TokenReason.MALFORMED));

        // Single-predicate rules still explode facts; the deterministic fact limit denies them quickly.
        Block growth = new Block();
        for (int i = 0; i < 600; i++) {
            growth.add_fact("n(" + i + ")");
        }
        growth.add_rule("m($a) <- n($a)");
        growth.add_rule("k($a) <- m($a)");
        String heavy = UnverifiedBiscuit.from_b64url(plannerToken()).attenuate(growth).serialize_b64url();
        VerifiedToken v = VERIFIER.verify(heavy);
        long start = System.nanoTime();
        Decision d = v.authorize(call("notes", "read_note").build(), PolicySet.defaults(), AuthorizationLimits.defaults());
        assertThat(d.allowed()).isFalse();
        assertThat(d.reason()).isIn(DenyReason.LIMIT_EXCEEDED, DenyReason.TIMEOUT);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));

        Decision iterations = VERIFIER.verify(plannerToken()).authorize(call("notes", "read_note").build(),
                PolicySet.concat(PolicySet.parse(chainOfRules(30), "deep.datalog"), PolicySet.defaults()),
                new AuthorizationLimits(1000, 10, Duration.ofSeconds(1)));
        assertThat(iterations.reason()).isEqualTo(DenyReason.LIMIT_EXCEEDED);

        Decision timeout = VERIFIER.verify(plannerToken()).authorize(call("notes", "read_note").build(),
                PolicySet.defaults(), new AuthorizationLimits(1000, 100, Duration.ofNanos(1)));
        assertThat(timeout.reason()).isEqualTo(DenyReason.TIMEOUT);
        assertThat(timeout.allowed()).isFalse();

        // The same token passes with the deliberate defaults (cold or not).
        assertThat(VERIFIER.verify(plannerToken()).authorize(call("notes", "read_note").build(),
                PolicySet.defaults(), AuthorizationLimits.defaults()).allowed()).isTrue();
    }

    static String chainOfRules(int n) {
        StringBuilder sb = new StringBuilder("p0(1);\n");
        for (int i = 1; i <= n; i++) {
            sb.append("p").append(i).append("($x) <- p").append(i - 1).append("($x);\n");
        }
        return sb.toString();
    }

    @Test
    void defect6_oneAuthorizerPerCall_concurrentAuthorizeOnOneTokenIsCorrect() throws Exception {
        VerifiedToken v = VERIFIER.verify(Delegator.attenuate(plannerToken(), HopSpec.delegateTo("researcher")
                .tools("notes", "read_note").argPathPrefix("path", "/notes/public/").build(), CLOCK));
        PolicySet policies = PolicySet.concat(PolicySet.parse("allow if caller(\"nobody\");", "x"), PolicySet.defaults());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 150; i++) {
                        boolean allowCase = i % 2 == 0;
                        RequestFacts r = call("notes", "read_note")
                                .argPath("path", allowCase ? "/notes/public/" + i : "/notes/private/" + i).build();
                        // Correctness under concurrency, not timing: 8 threads on a small machine with a cold
                        // JVM can exceed the 50 ms wall-clock default (defect 5), which is a deny, not a race.
                        Decision d = v.authorize(r, policies, new AuthorizationLimits(1000, 100, Duration.ofSeconds(10)));
                        if (d.allowed() != allowCase) {
                            return "request " + i + " expected allowed=" + allowCase + " got " + d;
                        }
                    }
                    return "ok";
                }));
            }
            for (Future<String> f : results) {
                assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo("ok");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void checkAllIsNotVacuousInTheLibrary() throws Exception {
        Authorizer noArgs = new Authorizer();
        noArgs.add_fact("method(\"tools/call\")");
        noArgs.add_check("check all arg(\"k\", $v), $v == \"x\"");
        noArgs.add_policy("allow if true");
        assertThatThrownBy(() -> noArgs.authorize(RELAXED)).isInstanceOf(Error.FailedLogic.class);

        Authorizer listing = new Authorizer();
        listing.add_fact("method(\"tools/list\")");
        listing.add_check("check all arg(\"k\", $v), $v == \"x\" or method(\"tools/list\")");
        listing.add_policy("allow if true");
        assertThat(listing.authorize(RELAXED)).isZero();
    }
}
