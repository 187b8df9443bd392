package dev.warrant.gateway.cluster;

import dev.warrant.delegation.KeyFiles;
import dev.warrant.delegation.KeyRing;
import dev.warrant.delegation.MintSpec;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.SigningKey;
import dev.warrant.delegation.Verifier;
import dev.warrant.delegation.VerifierSettings;
import dev.warrant.gateway.admin.AdminApi;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real split brain between three gateway processes on loopback, and its heal (docs/ARCHITECTURE.md §5.4: revocations merge by
 * union). Member 2 is cut off the cluster's network ({@link PartitionableMember}: its Hazelcast networking stops,
 * so connections fail both ways as in a network partition); each side revokes a token of its own while apart;
 * after the networking is back and Hazelcast has merged the two clusters, every member denies both tokens.
 */
class SplitBrainTest {

    ClusterMembers members;
    String admin;
    Minter minter;
    Verifier verifier;

    @AfterEach
    void stop() throws Exception {
        if (members != null) {
            members.close();
        }
    }

    /**
     * One retry, and only when the split itself did not take the intended shape ({2 members} | {1 member}): on a
     * CPU-starved CI machine the two majority members have been seen to suspect each other as well when member 2
     * is cut off (1 s heartbeats, 10 s timeout), which makes a different experiment, not a failed merge. Every
     * assertion about the merge and the union is never retried.
     */
    @Test
    void revocationsMadeOnBothSidesOfASplitAreInForceEverywhereAfterTheMerge() throws Exception {
        try {
            scenario();
        } catch (PartitionNotFormed e) {
            System.err.println("split brain: the partition did not form as intended (" + e.getMessage()
                    + "); retrying once with fresh members");
            members.close();
            members = null;
            scenario();
        }
    }

    /** The split did not take the shape the scenario needs; see the test's comment. */
    private static final class PartitionNotFormed extends Exception {
        PartitionNotFormed(String message) {
            super(message);
        }
    }

    private void scenario() throws Exception {
        long t0 = System.nanoTime();
        Path dir = Files.createTempDirectory("warrant-split-brain");
        SigningKey key = KeyFiles.loadOrCreate(dir.resolve("keys"));
        minter = new Minter(key, Clock.systemUTC(), Duration.ofHours(24));
        verifier = new Verifier(KeyRing.of(key.publicKey()), VerifierSettings.defaults(), Clock.systemUTC());
        admin = minter.mint(MintSpec.builder("security-team").right("admin", AdminApi.AREA, "*")
                .ttl(Duration.ofHours(1)).build());
        members = new ClusterMembers(dir, dir.resolve("keys/root.pub"), 3, PartitionableMember.class);
        members.start(admin, 3, 0, 1, 2);
        String onMajority = token("majority-side");
        String onMinority = token("minority-side");
        String before = token("before-split");
        assertThat(revoke(1, before).statusCode()).isEqualTo(200);
        long started = System.nanoTime();

        members.command(2, "isolate");
        try {
            awaitMembers(0, 2);
            awaitMembers(1, 2);
            awaitMembers(2, 1);
        } catch (IllegalStateException e) {
            throw new PartitionNotFormed(e.getMessage());
        }
        long split = System.nanoTime();

        // Each side revokes while apart; each side answers 200: it is the whole cluster as far as it can tell.
        HttpResponse<String> majority = revoke(0, onMajority);
        assertThat(majority.statusCode()).as(majority.body()).isEqualTo(200);
        HttpResponse<String> minority = revoke(2, onMinority);
        assertThat(minority.statusCode()).as(minority.body()).isEqualTo(200);
        // Really apart: each side denies its own revocation and not yet the other side's.
        assertThat(allowed(0, onMajority)).isFalse();
        assertThat(allowed(1, onMajority)).isFalse();
        assertThat(allowed(2, onMajority)).as("the minority side cannot know the majority's revocation").isTrue();
        assertThat(allowed(2, onMinority)).isFalse();
        assertThat(allowed(0, onMinority)).as("the majority side cannot know the minority's revocation").isTrue();

        members.command(2, "heal");
        for (int m = 0; m < 3; m++) {
            awaitMembers(m, 3);
        }
        long merged = System.nanoTime();
        // After the merge every member denies the union: both sides' revocations and the one from before.
        await("every member denies both sides' revocations after the merge").atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    for (int m = 0; m < 3; m++) {
                        for (String t : List.of(onMajority, onMinority, before)) {
                            if (allowed(m, t)) {
                                return false;
                            }
                        }
                    }
                    return true;
                });
        long unioned = System.nanoTime();
        // The merged cluster works as one: a revocation made now is confirmed by all three members.
        String after = token("after-merge");
        assertThat(revoke(2, after).statusCode()).isEqualTo(200);
        for (int m = 0; m < 3; m++) {
            assertThat(allowed(m, after)).isFalse();
        }
        String fresh = token("never-revoked");
        for (int m = 0; m < 3; m++) {
            assertThat(allowed(m, fresh)).as("an unrevoked token still works on member %d", m).isTrue();
        }
        System.out.printf("split brain: start %.1f s, split seen after %.1f s, merged %.1f s after heal, union in force %.1f s"
                        + " after the merge, total %.1f s%n", (started - t0) / 1e9, (split - started) / 1e9,
                (merged - split) / 1e9, (unioned - merged) / 1e9, (System.nanoTime() - t0) / 1e9);
    }

    private String token(String agent) {
        return minter.mint(MintSpec.builder(agent).right("tool", "notes", "read_note").ttl(Duration.ofMinutes(30)).build());
    }

    private void awaitMembers(int member, int expected) {
        members.awaitMembers(member, admin, expected);
    }

    private boolean allowed(int member, String token) throws Exception {
        HttpResponse<String> r = ClusterMembers.HTTP.send(HttpRequest.newBuilder(URI.create(members.base(member) + "/mcp"))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(ClusterRevocationTest.INITIALIZE)).build(),
                HttpResponse.BodyHandlers.ofString());
        return ClusterRevocationTest.outcome(r) == 1;
    }

    private HttpResponse<String> revoke(int member, String token) throws Exception {
        String id = verifier.verify(token).revocationIds().get(0);
        return ClusterMembers.HTTP.send(HttpRequest.newBuilder(URI.create(members.base(member) + "/admin/revocations"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + admin)
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("revocationId", id)
                        .put("reason", "split-brain test").encode())).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
