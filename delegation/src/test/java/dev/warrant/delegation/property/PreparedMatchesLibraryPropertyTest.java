package dev.warrant.delegation.property;

import dev.warrant.delegation.AuthorizationLimits;
import dev.warrant.delegation.Decision;
import dev.warrant.delegation.DenyReason;
import dev.warrant.delegation.LibraryPath;
import dev.warrant.delegation.PolicySet;
import dev.warrant.delegation.RequestFacts;
import dev.warrant.delegation.VerifiedToken;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The prepared authorizer (a re-implementation of the library's authorize loop and matching over pre-compiled
 * statements, for speed) must decide exactly like biscuit-java's own Authorizer: on random chains, random
 * requests and two policy sets, allow/deny, reason and failing block are identical — with one allowed,
 * stricter difference: when an expression fails on some bindings (the generators send arguments as numbers,
 * strings and booleans under one key), the library's answer depends on its hash order, while the prepared
 * path always denies with EVALUATION_ERROR (internal.CompiledRule). It may never be more permissive.
 */
class PreparedMatchesLibraryPropertyTest {

    private static final AuthorizationLimits LIMITS = new AuthorizationLimits(1000, 100, Duration.ofSeconds(5));

    private static final PolicySet CUSTOM = PolicySet.concat(parse(String.join("\n",
            "writer($a) <- caller($a), chain($a);",
            "deny if request(\"tool\", $s, \"delete_all\");",
            "deny if request(\"tool\", \"fs\", $n), depth($d), $d > 3;",
            "check if time($t), $t > 2000-01-01T00:00:00Z;",
            "allow if request(\"tool\", \"notes\", \"list_notes\"), method(\"tools/list\");")),
            PolicySet.defaults());

    private final ChainNarrowingPropertyTest generators = new ChainNarrowingPropertyTest();

    @Property(tries = 60, shrinking = ShrinkingMode.OFF)
    void preparedAndLibraryDecideAlike(@ForAll("chains") ChainNarrowingPropertyTest.Chain chain,
                                       @ForAll("requests") List<RequestFacts> requests) throws Exception {
        for (String token : ChainNarrowingPropertyTest.build(chain)) {
            VerifiedToken verified = ChainNarrowingPropertyTest.verifyOrNull(token);
            if (verified == null) {
                break;
            }
            for (PolicySet policies : List.of(PolicySet.defaults(), CUSTOM)) {
                for (RequestFacts request : requests) {
                    Decision prepared = verified.authorize(request, policies, LIMITS);
                    Decision library = LibraryPath.authorize(verified, request, policies, LIMITS);
                    if (prepared.reason() == DenyReason.EVALUATION_ERROR && library.reason() != DenyReason.EVALUATION_ERROR) {
                        continue; // the fail-closed difference; PreparedAuthorizerTest pins it deterministically
                    }
                    assertThat(prepared.allowed()).as("allowed for %s", request).isEqualTo(library.allowed());
                    assertThat(prepared.reason()).as("reason for %s", request).isEqualTo(library.reason());
                    assertThat(prepared.failedBlock()).as("failed block for %s", request).isEqualTo(library.failedBlock());
                }
                assertThat(LibraryPath.usesPreparedPath(verified, policies)).isTrue();
            }
        }
    }

    @Provide
    Arbitrary<ChainNarrowingPropertyTest.Chain> chains() {
        return generators.chains();
    }

    @Provide
    Arbitrary<List<RequestFacts>> requests() {
        return generators.requests();
    }

    private static PolicySet parse(String source) {
        try {
            return PolicySet.parse(source, "custom.datalog");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
