package dev.warrant.delegation;

import org.biscuitsec.biscuit.error.Error;
import org.biscuitsec.biscuit.error.FailedCheck;
import org.biscuitsec.biscuit.error.LogicError;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Maps a library authorization outcome to a {@link Decision}. Precedence when several checks failed: an expiry
 * check (the caller needs a new token), then the first attenuation-block check, then the authority block,
 * then the policy set. The decision names the statement that decided ({@link Decision#policy}): the matched
 * policy, or the check its reason is about, looked up in the {@link PolicySet} by the library's indices.
 */
final class Decisions {
    /** {@code check if time($t), $t < 2026-...} as written by Minter and HopBlock. */
    private static final Pattern TOKEN_EXPIRY = Pattern.compile("check if time\\(\\$(\\w+)\\), \\$\\1 < [0-9TZ:.+-]+");
    /** The default policy's {@code check if expires($e), time($t), $t < $e}. */
    private static final Pattern POLICY_EXPIRY =
            Pattern.compile("check if expires\\(\\$(\\w+)\\), time\\(\\$(\\w+)\\), \\$\\2 < \\$\\1");

    private Decisions() {}

    /** Allowed: the library reports the index of the allow policy that matched. */
    static Decision allowedBy(long policyIndex, PolicySet policies) {
        return Decision.allow(policies.policyName((int) policyIndex));
    }

    static Decision fromError(Error e, PolicySet policies) {
        if (e instanceof Error.Timeout) {
            return Decision.deny(DenyReason.TIMEOUT, "authorization took longer than its time limit");
        }
        if (e instanceof Error.TooManyFacts) {
            return Decision.deny(DenyReason.LIMIT_EXCEEDED, "authorization produced too many facts");
        }
        if (e instanceof Error.TooManyIterations) {
            return Decision.deny(DenyReason.LIMIT_EXCEEDED, "authorization needed too many iterations");
        }
        if (e instanceof Error.FailedLogic logic) {
            return fromLogic(logic.error, policies);
        }
        return Decision.deny(DenyReason.EVALUATION_ERROR, "evaluation failed: " + e.getClass().getSimpleName());
    }

    private static Decision fromLogic(LogicError error, PolicySet policies) {
        List<FailedCheck> failed;
        Decision noCheck;
        if (error instanceof LogicError.Unauthorized u) {
            failed = u.errors;
            if (u.policy instanceof LogicError.MatchedPolicy.Deny deny) {
                noCheck = Decision.deny(DenyReason.NOT_PERMITTED, "denied by policy")
                        .withPolicy(policies.policyName((int) deny.nb));
            } else {
                noCheck = Decision.deny(DenyReason.NOT_PERMITTED, "a check failed");
            }
        } else if (error instanceof LogicError.NoMatchingPolicy n) {
            failed = n.errors;
            noCheck = Decision.deny(DenyReason.NOT_PERMITTED, "no policy matched");
        } else {
            return Decision.deny(DenyReason.EVALUATION_ERROR, "evaluation failed: " + error.getClass().getSimpleName());
        }
        for (FailedCheck f : failed) {
            if (isExpiry(rule(f))) {
                return f instanceof FailedCheck.FailedBlock b
                        ? Decision.deny(DenyReason.TOKEN_EXPIRED, b.rule, (int) b.block_id).withPolicy(name(b))
                        : Decision.deny(DenyReason.TOKEN_EXPIRED, rule(f)).withPolicy(name(f, policies));
            }
        }
        for (FailedCheck f : failed) {
            if (f instanceof FailedCheck.FailedBlock b && b.block_id >= 1) {
                return Decision.deny(DenyReason.CONSTRAINT_FAILED, b.rule, (int) b.block_id).withPolicy(name(b));
            }
        }
        for (FailedCheck f : failed) {
            if (f instanceof FailedCheck.FailedBlock b) {
                return Decision.deny(DenyReason.AUTHORITY_CHECK_FAILED, b.rule, 0).withPolicy(name(b));
            }
        }
        for (FailedCheck f : failed) {
            if (f instanceof FailedCheck.FailedAuthorizer a) {
                return Decision.deny(DenyReason.POLICY_CHECK_FAILED, a.rule).withPolicy(policies.checkName((int) a.check_id));
            }
        }
        return noCheck;
    }

    /** A token check: its block and position, then its text. */
    private static String name(FailedCheck.FailedBlock b) {
        return "block " + b.block_id + ", check " + b.check_id + ": " + PolicySet.abbreviateLabel(b.rule);
    }

    private static String name(FailedCheck f, PolicySet policies) {
        return f instanceof FailedCheck.FailedAuthorizer a ? policies.checkName((int) a.check_id) : rule(f);
    }

    private static String rule(FailedCheck f) {
        if (f instanceof FailedCheck.FailedBlock b) {
            return b.rule;
        }
        if (f instanceof FailedCheck.FailedAuthorizer a) {
            return a.rule;
        }
        return f.toString();
    }

    static boolean isExpiry(String rule) {
        return TOKEN_EXPIRY.matcher(rule).matches() || POLICY_EXPIRY.matcher(rule).matches();
    }
}
