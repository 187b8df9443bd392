package dev.warrant.benchmarks;

import dev.warrant.delegation.PolicyParseException;
import dev.warrant.delegation.PolicySet;

/**
 * Policy sets for the authorization benchmark. {@link #REALISTIC} is what an operator might deploy on top of
 * the defaults (risk tiers, denylists, sanity checks): 16 statements, 21 with the 5 defaults.
 */
final class BenchmarkPolicies {
    static final String REALISTIC_SOURCE = RealisticPolicies.source();

    /**
     * The same decisions as {@link #REALISTIC_SOURCE} without derived rules (each helper inlined where it is
     * used): 12 statements, 17 with the defaults. Measures what rule evaluation to a fixpoint costs.
     */
    static final String FLAT_SOURCE = """
            check if method($m), ["tools/call", "tools/list", "resources/read", "resources/list", "prompts/get", "prompts/list"].contains($m);
            check if depth($d), $d <= 8;
            check if time($t), $t > 2020-01-01T00:00:00Z;
            check if request($k, $s, $n), $n.length() < 128;
            check if caller($c), $c.length() > 0;
            deny if arg_path($k, $p), $p.starts_with("/etc/");
            deny if arg_path($k, $p), $p.contains("/.ssh/");
            deny if risk("high"), depth($d), $d > 2;
            deny if request("tool", $s, $n), ["write_note", "delete_note", "create_issue", "merge_pr"].contains($n), caller($c), ["intern-bot"].contains($c);
            deny if caller($c), ["quarantined-agent", "mallory"].contains($c);
            deny if server($s), ["legacy-admin"].contains($s);
            allow if request("tool", "status", "ping");
            """;

    static final PolicySet REALISTIC;
    static final PolicySet FLAT;

    static {
        try {
            REALISTIC = PolicySet.concat(PolicySet.parse(REALISTIC_SOURCE, "realistic.datalog"), PolicySet.defaults());
            FLAT = PolicySet.concat(PolicySet.parse(FLAT_SOURCE, "flat.datalog"), PolicySet.defaults());
        } catch (PolicyParseException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private BenchmarkPolicies() {}

    static PolicySet named(String name) {
        return switch (name) {
            case "defaults" -> PolicySet.defaults();
            case "realistic" -> REALISTIC;
            case "flat" -> FLAT;
            default -> throw new IllegalArgumentException("unknown policy set " + name);
        };
    }
}
