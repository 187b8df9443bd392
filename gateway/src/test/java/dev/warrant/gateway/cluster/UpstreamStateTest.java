package dev.warrant.gateway.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The last-writer-wins rule for registrations and their tombstones, and the journal folded by it. */
class UpstreamStateTest {

    static UpstreamRegistration reg(String name, long at, String id) {
        return new UpstreamRegistration(name, "http://127.0.0.1:1/mcp", Map.of(), 1000, "acme-ci", at, id);
    }

    @Test
    void aRegistrationNewerThanTheTombstoneIsInForceAndAnOlderOneIsNot() {
        UpstreamRemoval removedAt100 = new UpstreamRemoval("acme", 100, "r1");
        assertThat(UpstreamState.UNKNOWN.with(reg("acme", 101, "r2")).with(removedAt100).inForce())
                .map(UpstreamRegistration::id).contains("r2");
        assertThat(UpstreamState.UNKNOWN.with(reg("acme", 99, "r0")).with(removedAt100).inForce()).isEmpty();
        // Order of arrival does not matter.
        assertThat(UpstreamState.UNKNOWN.with(removedAt100).with(reg("acme", 101, "r2")).inForce()).isPresent();
        assertThat(UpstreamState.UNKNOWN.with(removedAt100).with(reg("acme", 99, "r0")).inForce()).isEmpty();
    }

    @Test
    void equalStampsTheRemovalWins() {
        assertThat(UpstreamState.UNKNOWN.with(reg("acme", 100, "r1")).with(new UpstreamRemoval("acme", 100, "r1"))
                .inForce()).isEmpty();
    }

    @Test
    void equalStampsBetweenRegistrationsTheLargerIdWinsOnEveryMember() {
        UpstreamRegistration a = reg("acme", 100, "aaa");
        UpstreamRegistration b = reg("acme", 100, "bbb");
        assertThat(UpstreamState.UNKNOWN.with(a).with(b)).isEqualTo(UpstreamState.UNKNOWN.with(b).with(a));
        assertThat(UpstreamState.UNKNOWN.with(a).with(b).inForce()).contains(b);
        assertThat(UpstreamState.UNKNOWN.with(b).with(a).inForce()).contains(b);
    }

    @Test
    void anUnknownNameHasNothingInForceAndANewerTombstoneReplacesAnOlderOne() {
        assertThat(UpstreamState.UNKNOWN.inForce()).isEmpty();
        assertThat(UpstreamState.UNKNOWN.with(new UpstreamRemoval("acme", 50, "x")).inForce()).isEmpty();
        UpstreamState s = UpstreamState.UNKNOWN.with(new UpstreamRemoval("acme", 200, "r2"))
                .with(new UpstreamRemoval("acme", 100, "r1"));
        assertThat(s.removal().removedAtMillis()).isEqualTo(200);
        assertThat(s.with(reg("acme", 150, "r3")).inForce()).isEmpty();
    }

    @Test
    void mergingIsCommutativeAndIdempotent() {
        UpstreamState left = UpstreamState.UNKNOWN.with(reg("acme", 100, "r1")).with(new UpstreamRemoval("acme", 300, "r2"));
        UpstreamState right = UpstreamState.UNKNOWN.with(reg("acme", 200, "r2"));
        assertThat(left.merge(right)).isEqualTo(right.merge(left));
        assertThat(left.merge(right).merge(right)).isEqualTo(left.merge(right));
        assertThat(left.merge(right).inForce()).isEmpty();
    }

    @Test
    void aRemovalIsStampedNoEarlierThanWhatItRemovesAndAReRegistrationAfterIt() {
        // This member's clock lags the one that registered: the tombstone still covers the registration.
        UpstreamRegistration fromTheFuture = reg("acme", 10_000, "r1");
        UpstreamRemoval removal = UpstreamRemoval.of(fromTheFuture, 5_000);
        UpstreamState s = UpstreamState.UNKNOWN.with(fromTheFuture).with(removal);
        assertThat(s.inForce()).isEmpty();
        // A re-registration with the same lagging clock is still stamped after the tombstone.
        long stamp = s.nextStamp(5_000);
        assertThat(stamp).isEqualTo(10_001);
        assertThat(s.with(reg("acme", stamp, "r2")).inForce()).map(UpstreamRegistration::id).contains("r2");
    }

    @Test
    void theJournalKeepsWhatIsInForceAndTombstonesAndSkipsATornLine(@TempDir Path dir) throws Exception {
        UpstreamJournal journal = new UpstreamJournal(dir);
        journal.append(reg("a", 100, "a1"));
        journal.append(reg("b", 100, "b1"));
        journal.append(new UpstreamRemoval("b", 150, "b1"));
        journal.append(reg("a", 90, "a0")); // older: loses
        journal.sync();
        journal.close();
        Files.writeString(dir.resolve(UpstreamJournal.FILE), "{\"type\":\"registration\",\"name\":\"c\"",
                java.nio.file.StandardOpenOption.APPEND);

        try (UpstreamLedger ledger = new UpstreamLedger(dir, 200, Duration.ofDays(30))) {
            assertThat(ledger.inForce()).extracting(UpstreamRegistration::id).containsExactly("a1");
            assertThat(ledger.state("b").removal().removedAtMillis()).isEqualTo(150);
            assertThat(ledger.state("b").registration()).as("compacted away: covered").isNull();
        }
        // Compacted on start: one line per surviving fact.
        List<String> lines = Files.readAllLines(dir.resolve(UpstreamJournal.FILE));
        assertThat(lines).hasSize(2);
        // A tombstone older than the TTL is forgotten on the next start.
        try (UpstreamLedger later = new UpstreamLedger(dir, 150 + Duration.ofDays(31).toMillis(), Duration.ofDays(30))) {
            assertThat(later.state("b")).isEqualTo(UpstreamState.UNKNOWN);
            assertThat(later.inForce()).extracting(UpstreamRegistration::id).containsExactly("a1");
        }
    }
}
