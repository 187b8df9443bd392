package dev.warrant.benchmarks.curves;

import dev.warrant.delegation.PolicyParseException;
import dev.warrant.benchmarks.RealisticPolicies;
import dev.warrant.delegation.PolicySet;

import java.util.List;

/**
 * Operator policy sets of a given size, built from the statement kinds operators write (docs/POLICY-COOKBOOK.md): sanity
 * checks, derived helper rules, denylists of callers, servers, tools and path prefixes, risk rules and extra
 * allows. {@link #BASE} is the 16-statement set of the authorization benchmark, {@code bench/policies/
 * realistic.datalog} (its depth check raised to 16 hops so the depth curve stays allowed); {@link #ofSize} takes its first statements for small sets and pads
 * it with generated denylist entries for large ones, one statement each (the way a set grows as an operator
 * blocks things one by one), then adds the 5 defaults.
 * None of the generated statements matches the benchmark request, so every sample evaluates them all and
 * ends in an allow.
 */
final class CurvePolicies {
    /** In the order an operator would add them, so a small set is the first few (derived rules before their users). */
    static final List<String> BASE = RealisticPolicies.statements().stream()
            .map(statement -> statement.replace("$d <= 8;", "$d <= 16;")).toList();
    static final int DEFAULT_STATEMENTS = 5;

    private CurvePolicies() {}

    /** The base set + defaults: 21 statements, the set the budget assumes (docs/ARCHITECTURE.md §10). */
    static PolicySet realistic() {
        return ofSize(BASE.size() + DEFAULT_STATEMENTS);
    }

    /** Exactly {@code statements} statements in total (at least 6), the 5 defaults included. */
    static PolicySet ofSize(int statements) {
        int operator = statements - DEFAULT_STATEMENTS;
        if (operator < 1) {
            throw new IllegalArgumentException("at least " + (DEFAULT_STATEMENTS + 1) + " statements");
        }
        StringBuilder src = new StringBuilder();
        BASE.stream().limit(operator).forEach(line -> src.append(line).append('\n'));
        int extra = Math.max(0, operator - BASE.size());
        for (int i = 0; i < extra; i++) {
            src.append(switch (i % 6) {
                case 0 -> "deny if caller(\"retired-agent-" + i + "\");\n";
                case 1 -> "deny if server(\"retired-server-" + i + "\");\n";
                case 2 -> "deny if request(\"tool\", \"vendor-" + i + "\", \"drop_table\");\n";
                case 3 -> "deny if arg_path($k, $p), $p.starts_with(\"/srv/secret-" + i + "/\");\n";
                case 4 -> "deny if task(\"T-incident-" + i + "\");\n";
                default -> "allow if request(\"tool\", \"status-" + i + "\", \"ping\");\n";
            });
        }
        try {
            PolicySet set = PolicySet.concat(PolicySet.parse(src.toString(), "curves-" + statements + ".datalog"),
                    PolicySet.defaults());
            int count = set.ruleCount() + set.checkCount() + set.policyCount() + set.factCount();
            if (count != statements) {
                throw new IllegalStateException("built " + count + " statements, wanted " + statements);
            }
            return set;
        } catch (PolicyParseException e) {
            throw new IllegalStateException(e);
        }
    }
}
