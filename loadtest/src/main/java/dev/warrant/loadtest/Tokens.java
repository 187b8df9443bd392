package dev.warrant.loadtest;

import dev.warrant.delegation.Delegator;
import dev.warrant.delegation.HopSpec;
import dev.warrant.delegation.KeyFiles;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.SigningKey;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The agents' bearer token: minted for the planner, then delegated hop by hop (planner -> researcher ->
 * summarizer -> reporter for 3 hops), each hop narrowing to the two echo tools, the last one also pinning the
 * argument. Every benchmark agent presents the last delegatee's token, as an agent deep in a pipeline would.
 */
final class Tokens {

    static final List<String> AGENTS = List.of("planner", "researcher", "summarizer", "reporter", "editor",
            "checker", "publisher", "archiver", "auditor");

    private Tokens() {}

    /** Creates the root key in {@code keyDir} and returns a token with {@code hops} delegation hops. */
    static String delegated(Path keyDir, int hops, Duration ttl, List<String> servers) throws Exception {
        if (hops < 0 || hops >= AGENTS.size()) {
            throw new IllegalArgumentException("--hops must be 0.." + (AGENTS.size() - 1));
        }
        SigningKey key = KeyFiles.loadOrCreate(keyDir);
        Clock clock = Clock.systemUTC();
        MintSpec.Builder mint = MintSpec.builder(AGENTS.get(0)).task("load-benchmark").ttl(ttl);
        servers.forEach(s -> mint.right("tool", s, EchoMcp.TOOL));
        String token = new Minter(key, clock, ttl.plusMinutes(1)).mint(mint.build());
        for (int hop = 1; hop <= hops; hop++) {
            HopSpec.Builder spec = HopSpec.delegateTo(AGENTS.get(hop)).ttl(ttl.minusMinutes(hop));
            servers.forEach(s -> spec.tools(s, EchoMcp.TOOL));
            if (hop == hops) {
                spec.argEquals("message", "hello");
            }
            token = Delegator.attenuate(token, spec.build(), clock);
        }
        return token;
    }
}
