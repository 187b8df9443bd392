package dev.warrant.gateway.cookbook;

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
import dev.warrant.policies.ArgumentLimits;
import dev.warrant.policies.Operation;
import dev.warrant.policies.PolicyEngine;
import dev.warrant.policies.RiskTier;
import dev.warrant.policies.Verdict;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every example of docs/POLICY-COOKBOOK.md, read from the document itself, parsed like a policy file and
 * exercised with real minted (and delegated) tokens, so the cookbook cannot drift from what the gateway does.
 */
class PolicyCookbookTest {

    private static final Path COOKBOOK = Path.of("..", "docs", "POLICY-COOKBOOK.md");
    private static final Instant WEDNESDAY_10H = Instant.parse("2026-11-25T10:00:00Z");

    private final SigningKey root = SigningKey.generate("cookbook");

    /** The datalog block following {@code <!-- example: NAME -->}. */
    static String example(String name) throws Exception {
        String doc = Files.readString(COOKBOOK);
        Matcher m = Pattern.compile("<!-- example: " + Pattern.quote(name) + " -->\\s*```datalog\\n(.*?)```",
                Pattern.DOTALL).matcher(doc);
        assertThat(m.find()).as("example '" + name + "' in " + COOKBOOK).isTrue();
        return m.group(1);
    }

    /** The gateway's evaluation: the example before the default policy, at a fixed time. */
    static PolicyEngine engine(String example, Instant now) throws Exception {
        PolicySet custom = PolicySet.parse(example(example), example + ".datalog");
        return new PolicyEngine(PolicySet.concat(custom, PolicySet.defaults()), AuthorizationLimits.defaults(),
                ArgumentLimits.defaults(), Clock.fixed(now, ZoneOffset.UTC));
    }

    private String mint(Instant now, MintSpec spec) {
        return new Minter(root, Clock.fixed(now, ZoneOffset.UTC), Duration.ofHours(24)).mint(spec);
    }

    private VerifiedToken verify(Instant now, String token) throws Exception {
        return new Verifier(KeyRing.of(root.publicKey()), VerifierSettings.defaults(), Clock.fixed(now, ZoneOffset.UTC))
                .verify(token);
    }

    private static Operation call(String server, String tool, Map<String, ?> args, RiskTier risk) {
        return Operation.callTool(server, tool, args, risk, Optional.empty());
    }

    @Test
    void everyExampleParses() throws Exception {
        for (String name : List.of("read-only", "path-restricted", "business-hours", "approval", "per-task")) {
            assertThat(PolicySet.parse(example(name), name).policyCount() + PolicySet.parse(example(name), name).checkCount())
                    .as(name).isPositive();
        }
    }

    @Test
    void readOnlyAgent() throws Exception {
        PolicyEngine engine = engine("read-only", WEDNESDAY_10H);
        String reporter = mint(WEDNESDAY_10H, MintSpec.builder("reporter").right("tool", "fs", "*").ttl(Duration.ofHours(1)).build());
        String admin = mint(WEDNESDAY_10H, MintSpec.builder("admin").right("tool", "fs", "*").ttl(Duration.ofHours(1)).build());
        String helper = Delegator.attenuate(reporter, HopSpec.delegateTo("helper").tools("fs", "*").build(),
                Clock.fixed(WEDNESDAY_10H, ZoneOffset.UTC));

        VerifiedToken r = verify(WEDNESDAY_10H, reporter);
        assertThat(engine.decide(r, call("fs", "read_file", Map.of("path", "/a"), RiskTier.LOW)).allowed()).isTrue();
        assertThat(engine.decide(r, call("fs", "write_file", Map.of("path", "/a"), RiskTier.HIGH)).allowed()).isFalse();
        assertThat(engine.decide(r, call("fs", "move_file", Map.of("path", "/a"), RiskTier.MEDIUM)).allowed()).isFalse();
        // Through a delegate too: the chain still contains the reporter.
        assertThat(engine.decide(verify(WEDNESDAY_10H, helper), call("fs", "write_file", Map.of(), RiskTier.HIGH)).allowed()).isFalse();
        assertThat(engine.decide(verify(WEDNESDAY_10H, helper), call("fs", "read_file", Map.of(), RiskTier.LOW)).allowed()).isTrue();
        // Other agents are untouched.
        assertThat(engine.decide(verify(WEDNESDAY_10H, admin), call("fs", "write_file", Map.of("path", "/a"), RiskTier.HIGH)).allowed()).isTrue();
    }

    @Test
    void pathRestrictedByADelegationHop() throws Exception {
        PolicyEngine defaults = PolicyEngine.withDefaults(Clock.fixed(WEDNESDAY_10H, ZoneOffset.UTC));
        String planner = mint(WEDNESDAY_10H, MintSpec.builder("planner").right("tool", "fs", "*").ttl(Duration.ofHours(1)).build());
        String researcher = Delegator.attenuate(planner, HopSpec.delegateTo("researcher")
                .tools("fs", "read_file", "list_directory").argPathPrefix("path", "/repo/").build(),
                Clock.fixed(WEDNESDAY_10H, ZoneOffset.UTC));
        VerifiedToken t = verify(WEDNESDAY_10H, researcher);
        assertThat(t.chain()).containsExactly("planner", "researcher");
        assertThat(defaults.decide(t, call("fs", "read_file", Map.of("path", "/repo/src/A.java"), RiskTier.LOW)).allowed()).isTrue();
        assertThat(defaults.decide(t, call("fs", "read_file", Map.of("path", "/repo/../etc/passwd"), RiskTier.LOW)).allowed()).isFalse();
        assertThat(defaults.decide(t, call("fs", "write_file", Map.of("path", "/repo/x"), RiskTier.HIGH)).allowed()).isFalse();
        assertThat(defaults.decide(t, call("fs", "read_file", Map.of(), RiskTier.LOW)).allowed()).as("path required").isFalse();
        assertThat(defaults.decide(t, Operation.listTool("fs", "read_file", RiskTier.LOW, Optional.empty())).allowed()).isTrue();
    }

    @Test
    void pathRestrictedServerWide() throws Exception {
        PolicyEngine engine = engine("path-restricted", WEDNESDAY_10H);
        VerifiedToken t = verify(WEDNESDAY_10H, mint(WEDNESDAY_10H, MintSpec.builder("ops")
                .right("tool", "files", "*").right("tool", "fs", "*").ttl(Duration.ofHours(1)).build()));
        assertThat(engine.decide(t, call("files", "read", Map.of("path", "/srv/shared/a.txt"), RiskTier.LOW)).allowed()).isTrue();
        assertThat(engine.decide(t, call("files", "read", Map.of("path", "/srv/shared/../private/a"), RiskTier.LOW)).allowed()).isFalse();
        Verdict list = engine.decide(t, call("files", "copy", Map.of("paths", List.of("/srv/shared/a", "/etc/passwd")), RiskTier.MEDIUM));
        assertThat(list.allowed()).as("one bad element of a list").isFalse();
        assertThat(engine.decide(t, call("fs", "read", Map.of("path", "/etc/hosts"), RiskTier.LOW)).allowed())
                .as("other servers are not affected").isTrue();
    }

    @Test
    void businessHours() throws Exception {
        Instant saturday = Instant.parse("2026-11-28T10:00:00Z");
        Instant wednesdayNight = Instant.parse("2026-11-25T22:00:00Z");
        MintSpec spec = MintSpec.builder("deployer").right("tool", "ci", "*").ttl(Duration.ofHours(1)).build();
        for (Instant now : List.of(WEDNESDAY_10H, saturday, wednesdayNight)) {
            PolicyEngine engine = engine("business-hours", now);
            VerifiedToken t = verify(now, mint(now, spec));
            boolean inHours = now.equals(WEDNESDAY_10H);
            assertThat(engine.decide(t, call("ci", "deploy", Map.of(), RiskTier.HIGH)).allowed()).as("deploy at " + now).isEqualTo(inHours);
            assertThat(engine.decide(t, call("ci", "status", Map.of(), RiskTier.LOW)).allowed()).as("status at " + now).isTrue();
            assertThat(engine.decide(t, Operation.listTool("ci", "deploy", RiskTier.HIGH, Optional.empty())).allowed()).isTrue();
        }
    }

    @Test
    void approvalOnlyRequestedByUndelegatedHolders() throws Exception {
        PolicyEngine engine = engine("approval", WEDNESDAY_10H);
        String ops = mint(WEDNESDAY_10H, MintSpec.builder("ops").right("tool", "notes", "*").ttl(Duration.ofHours(1)).build());
        String sub = Delegator.attenuate(ops, HopSpec.delegateTo("cleaner").tools("notes", "*").build(),
                Clock.fixed(WEDNESDAY_10H, ZoneOffset.UTC));
        Operation delete = call("notes", "delete_note", Map.of("path", "/notes/a.md"), RiskTier.HIGH);
        assertThat(engine.decide(verify(WEDNESDAY_10H, ops), delete).allowed()).as("then held for approval").isTrue();
        Verdict delegated = engine.decide(verify(WEDNESDAY_10H, sub), delete);
        assertThat(delegated.allowed()).isFalse();
        assertThat(engine.decide(verify(WEDNESDAY_10H, sub), call("notes", "read_note", Map.of(), RiskTier.LOW)).allowed()).isTrue();
    }

    @Test
    void perTaskDeadlinesAndCeilings() throws Exception {
        Instant before = Instant.parse("2026-11-25T20:30:00Z");
        Instant after = Instant.parse("2026-11-25T21:00:00Z");
        MintSpec t42 = MintSpec.builder("worker").right("tool", "gh", "*").task("T-42").ttl(Duration.ofHours(2)).build();
        MintSpec other = MintSpec.builder("worker").right("tool", "gh", "*").task("T-7").ttl(Duration.ofHours(2)).build();
        Operation search = call("gh", "search", Map.of("q", "x", "max_results", 10), RiskTier.LOW);
        assertThat(engine("per-task", before).decide(verify(before, mint(before, t42)), search).allowed()).isTrue();
        assertThat(engine("per-task", after).decide(verify(after, mint(before, t42)), search).allowed())
                .as("past the task deadline, although the token is still valid").isFalse();
        assertThat(engine("per-task", after).decide(verify(after, mint(before, other)), search).allowed()).isTrue();

        PolicyEngine engine = engine("per-task", before);
        VerifiedToken triage = verify(before, mint(before, MintSpec.builder("triager").right("tool", "gh", "*")
                .task("triage").ttl(Duration.ofHours(1)).build()));
        assertThat(engine.decide(triage, call("gh", "label", Map.of(), RiskTier.MEDIUM)).allowed()).isTrue();
        assertThat(engine.decide(triage, call("gh", "merge", Map.of(), RiskTier.HIGH)).allowed()).isFalse();
        assertThat(engine.decide(triage, call("gh", "search", Map.of("max_results", 50), RiskTier.LOW)).allowed()).isTrue();
        assertThat(engine.decide(triage, call("gh", "search", Map.of("max_results", 51), RiskTier.LOW)).allowed()).isFalse();
    }
}
