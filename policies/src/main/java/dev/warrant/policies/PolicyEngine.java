package dev.warrant.policies;

import dev.warrant.delegation.Arg;
import dev.warrant.delegation.AuthorizationLimits;
import dev.warrant.delegation.Decision;
import dev.warrant.delegation.PolicySet;
import dev.warrant.delegation.RequestFacts;
import dev.warrant.delegation.VerifiedToken;

import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The single decision function of Warrant: a verified token plus one {@link Operation} gives a {@link Verdict}.
 *
 * <p>Concurrency: thread-safe. The policy set is swapped atomically (a reload never exposes a half-loaded
 * set: a call sees either the old set or the new one); each decision builds its own Biscuit authorizer
 * (the library's authorizer is not thread-safe). Pure CPU, ~tens of microseconds: callable on an event loop.
 */
public final class PolicyEngine {

    /** Deny reason when the arguments exceed {@link ArgumentLimits}. */
    public static final String ARGUMENT_LIMIT = "argument_limit";

    private final AtomicReference<PolicySet> policies;
    private final AuthorizationLimits authorizationLimits;
    private final ArgumentLimits argumentLimits;
    private final Clock clock;

    public PolicyEngine(PolicySet policies, AuthorizationLimits authorizationLimits, ArgumentLimits argumentLimits,
                        Clock clock) {
        this.policies = new AtomicReference<>(Objects.requireNonNull(policies, "policies"));
        this.authorizationLimits = Objects.requireNonNull(authorizationLimits, "authorizationLimits");
        this.argumentLimits = Objects.requireNonNull(argumentLimits, "argumentLimits");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The engine with the default policy (docs/ARCHITECTURE.md §3.4) and default limits. */
    public static PolicyEngine withDefaults(Clock clock) {
        return new PolicyEngine(PolicySet.defaults(), AuthorizationLimits.defaults(), ArgumentLimits.defaults(), clock);
    }

    public Verdict decide(VerifiedToken token, Operation operation) {
        ArgumentFacts facts;
        try {
            facts = ArgumentFacts.of(operation.arguments(), argumentLimits);
        } catch (ArgumentLimitException e) {
            return Verdict.deny(ARGUMENT_LIMIT, e.getMessage());
        }
        RequestFacts.Builder request = RequestFacts.builder()
                .time(clock.instant())
                .method(operation.method())
                .request(operation.kind(), operation.server(), operation.name());
        for (Arg arg : facts.args()) {
            request.arg(arg);
        }
        for (Arg path : facts.argPaths()) {
            request.argPath(path.key(), (String) path.value());
        }
        operation.risk().ifPresent(r -> request.risk(r.code()));
        operation.peer().ifPresent(request::peer);
        Decision decision = token.authorize(request.build(), policies.get(), authorizationLimits);
        Verdict verdict = decision.allowed()
                ? Verdict.allow()
                : Verdict.deny(decision.reason().code(), decision.detail());
        return verdict.withPolicy(decision.policy());
    }

    /** Swaps the policy set atomically; calls in flight finish under the set they started with. */
    public void replacePolicies(PolicySet next) {
        policies.set(Objects.requireNonNull(next, "next"));
    }

    public PolicySet policies() {
        return policies.get();
    }
}
