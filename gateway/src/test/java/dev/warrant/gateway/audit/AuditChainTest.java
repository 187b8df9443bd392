package dev.warrant.gateway.audit;

import dev.warrant.delegation.KeyFileException;
import dev.warrant.gateway.record.AuditFiles;
import dev.warrant.gateway.record.AuditRecord;
import dev.warrant.gateway.record.AuditSettings;
import dev.warrant.gateway.record.JsonLinesAuditLog;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.warrant.gateway.audit.AuditCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The hash chain and signed checkpoints, written by {@link JsonLinesAuditLog} to real files, and
 * {@code warrant audit verify} naming what was done to copies of them (docs/ARCHITECTURE.md §8.1).
 */
class AuditChainTest {

    @TempDir
    Path dir;

    private static AuditRecord record(int i) {
        return new AuditRecord(Instant.parse("2026-11-25T20:00:00Z").plusSeconds(i), i % 4 == 0 ? "deny" : "allow",
                i % 4 == 0 ? "not_permitted" : "allowed", "agent-" + i, List.of("planner"), "T-1", "tools/call",
                "fs__read_file", "sha256:abc", "low", null, null, List.of(), String.format("%032x", i), null, 10, null);
    }

    /** Writes {@code n} records into {@code stateDir/audit.log} (checkpoint every 10 lines) and closes the log. */
    private static Path writeLog(Path stateDir, int from, int n, long maxFileBytes) throws Exception {
        Path file = stateDir.resolve("audit.log");
        AuditSettings settings = new AuditSettings(maxFileBytes, 50, false).withCheckpoints(10, Duration.ofHours(1));
        try (JsonLinesAuditLog log = new JsonLinesAuditLog(file, settings)) {
            for (int i = from; i < from + n; i++) {
                log.record(record(i)).toCompletableFuture().get(5, TimeUnit.SECONDS);
            }
        }
        return file;
    }

    private Path copy(Path file, List<String> lines) throws Exception {
        Path copy = Files.createDirectories(dir.resolve("copies")).resolve("audit-" + System.nanoTime() + ".log");
        Files.writeString(copy, lines.isEmpty() ? "" : String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        return copy;
    }

    private static List<String> lines(Path file) throws Exception {
        return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    private static int firstCall(List<String> lines, int from) {
        for (int i = from; i < lines.size(); i++) {
            if (!AuditFiles.isCheckpoint(lines.get(i))) {
                return i;
            }
        }
        throw new AssertionError("no call line after " + from);
    }

    private static AuditCommandTest.Run verify(Path pub, Path... files) {
        List<String> args = new ArrayList<>(List.of("audit", "verify", "--key-file", pub.toString()));
        for (Path f : files) {
            args.add(f.toString());
        }
        return run(args.toArray(String[]::new));
    }

    /** Asserts exit 1 and exactly one finding, at {@code file}:{@code line} for {@code reason}. */
    private static void names(AuditCommandTest.Run r, Path file, int line, String reason) {
        assertThat(r.code()).as(r.out()).isEqualTo(1);
        assertThat(r.out().lines().filter(l -> l.startsWith(file.toString() + ":")).toList()).as(r.out())
                .singleElement().asString().startsWith(file + ":" + line + ": " + reason + ": ");
        assertThat(r.out() + r.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void everyLineIsChainedAndCheckpointsSealThemAcrossRotationAndRestart() throws Exception {
        Path state = dir.resolve("state");
        Path live = writeLog(state, 0, 45, 4096);
        writeLog(state, 45, 12, 4096);  // a restart continues the chain
        List<Path> files = AuditFiles.oldestFirst(live);
        assertThat(files).hasSizeGreaterThan(3);
        List<JsonObject> all = new ArrayList<>();
        for (Path f : files) {
            lines(f).forEach(l -> all.add(new JsonObject(l)));
        }
        for (int i = 0; i < all.size(); i++) {
            assertThat(all.get(i).getLong("seq")).isEqualTo(i + 1L);
            assertThat(all.get(i).getString("member")).isEqualTo(Files.readString(state.resolve("audit.member")).trim());
        }
        assertThat(all.get(0).getString("prev")).isEqualTo("0".repeat(64));
        List<JsonObject> checkpoints = all.stream().filter(j -> "checkpoint".equals(j.getString("decision"))).toList();
        // Every 10 lines, and one at each close (45 and 57 records: 4 + 1, then 1 + 1).
        assertThat(checkpoints).hasSize(7).allSatisfy(c -> {
            assertThat(c.getLong("sealedSeq")).isEqualTo(c.getLong("seq") - 1);
            assertThat(c.getString("sealedHash")).isEqualTo(c.getString("prev"));
            assertThat(c.getString("keyId")).matches("k[0-9a-f]{8}");
        });
        assertThat(all.get(all.size() - 1).getString("decision")).isEqualTo("checkpoint");

        String[] args = new String[2 + files.size()];
        args[0] = "audit";
        args[1] = "verify";
        for (int i = 0; i < files.size(); i++) {
            args[2 + i] = files.get(i).toString();
        }
        AuditCommandTest.Run ok = run(args);  // audit.pub and audit.member next to the files
        assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).contains(all.size() + " lines verified (seq 1.." + all.size() + "), 7 checkpoints")
                .doesNotContain("warning").endsWith("intact\n");

        // Without the rotated files: the chain starts later, which is said, not an error.
        AuditCommandTest.Run liveOnly = run("audit", "verify", live.toString());
        assertThat(liveOnly.code()).isZero();
        assertThat(liveOnly.out()).contains("warning: member").contains("the chain starts at seq");
        // Rotated files in the wrong order: a line of the chain is missing where the newer file begins.
        AuditCommandTest.Run swapped = run("audit", "verify", files.get(1).toString(), files.get(0).toString());
        names(swapped, files.get(0), 1, "line_reordered");
    }

    @Test
    void verifyNamesTheLineThatWasEditedRemovedInsertedOrReordered() throws Exception {
        Path state = dir.resolve("state");
        Path live = writeLog(state, 0, 30, 1 << 20);
        Path pub = state.resolve("audit.pub");
        List<String> original = lines(live);
        assertThat(verify(pub, copy(live, original)).code()).isZero();

        // Edited: a denial turned into an allow (line 5 is a call line).
        List<String> edited = lines(live);
        int k = firstCall(original, 4);
        edited.set(k, edited.get(k).replace("\"decision\":\"deny\"", "\"decision\":\"allow\"")
                .replace("\"agent-", "\"agent-x"));
        Path e = copy(live, edited);
        names(verify(pub, e), e, k + 1, "line_edited");

        // Removed: line 7 gone; the line now at 7 follows seq 6.
        List<String> removed = lines(live);
        removed.remove(6);
        Path r = copy(live, removed);
        names(verify(pub, r), r, 7, "line_missing");

        // Reordered: lines 3 and 4 swapped.
        List<String> reordered = lines(live);
        Collections.swap(reordered, 2, 3);
        Path o = copy(live, reordered);
        names(verify(pub, o), o, 3, "line_reordered");

        // Inserted: a copy of line 2 replayed as line 9; and a fabricated line in the chain's place.
        List<String> replayed = lines(live);
        replayed.add(8, original.get(1));
        Path i = copy(live, replayed);
        names(verify(pub, i), i, 9, "line_inserted");
        List<String> forged = lines(live);
        JsonObject fake = new JsonObject(original.get(3)).put("caller", "mallory");
        forged.add(4, fake.encode());
        Path f = copy(live, forged);
        names(verify(pub, f), f, 5, "line_inserted");

        // Not JSON.
        List<String> garbled = lines(live);
        garbled.set(11, "#" + garbled.get(11).substring(1));
        Path g = copy(live, garbled);
        names(verify(pub, g), g, 12, "invalid_json");
    }

    @Test
    void aForgerWhoRechainsTheLinesAfterAnEditIsCaughtAtTheNextCheckpoint() throws Exception {
        Path state = dir.resolve("state");
        Path live = writeLog(state, 0, 25, 1 << 20);  // checkpoints at lines 11 and 22
        List<String> forged = lines(live);
        assertThat(AuditFiles.isCheckpoint(forged.get(21))).isTrue();
        forged.set(13, forged.get(13).replace("\"agent-", "\"agent-forged-"));
        for (int i = 14; i < 21; i++) {  // every prev up to the checkpoint recomputed
            JsonObject before = new JsonObject(forged.get(i - 1));
            String prevHash = sha256(forged.get(i - 1));
            forged.set(i, forged.get(i).replace(new JsonObject(forged.get(i)).getString("prev"), prevHash));
            assertThat(before.getLong("seq")).isEqualTo(i);
        }
        Path f = copy(live, forged);
        names(verify(state.resolve("audit.pub"), f), f, 21, "line_edited");
    }

    private static String sha256(String line) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(line.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void checkpointsAreSignedByAKeyTheVerifierKnows() throws Exception {
        Path state = dir.resolve("state");
        Path live = writeLog(state, 0, 25, 1 << 20);
        List<String> original = lines(live);
        int cp = 10;  // the first checkpoint: line 11
        assertThat(AuditFiles.isCheckpoint(original.get(cp))).isTrue();

        // A checkpoint re-dated: its own signature fails.
        List<String> redated = lines(live);
        JsonObject c = new JsonObject(original.get(cp));
        redated.set(cp, original.get(cp).replace(c.getString("time"), "2020-01-01T00:00:00Z"));
        Path r = copy(live, redated);
        names(verify(state.resolve("audit.pub"), r), r, cp + 1, "checkpoint_signature_invalid");

        // Another member's key: the checkpoint names a key the verifier was not given.
        Path other = dir.resolve("other");
        writeLog(other, 0, 1, 1 << 20);
        Path u = copy(live, original);
        names(verify(other.resolve("audit.pub"), u), u, cp + 1, "checkpoint_key_unknown");
    }

    @Test
    void aRotatedAuditKeyKeepsOldCheckpointsVerifiableWithItsPublicKey() throws Exception {
        Path state = dir.resolve("state");
        Path live = writeLog(state, 0, 12, 1 << 20);
        Path old = Files.move(state.resolve("audit.pub"), dir.resolve("old-audit.pub"));
        Files.delete(state.resolve("audit.key"));  // the operator rotates: the next start creates a new pair
        writeLog(state, 12, 12, 1 << 20);
        AuditCommandTest.Run both = run("audit", "verify", "--key-file", old.toString(), "--key-file",
                state.resolve("audit.pub").toString(), live.toString());
        assertThat(both.code()).as(both.out()).isZero();
        assertThat(both.out()).containsPattern("checkpoints signed by k[0-9a-f]{8}, k[0-9a-f]{8}");
        // Only the new key: the first checkpoint (line 11, old key) is named.
        names(run("audit", "verify", live.toString()), live, 11, "checkpoint_key_unknown");
    }

    @Test
    void membersAreToldApartAndOneMembersLogCannotPassForAnothers() throws Exception {
        Path a = writeLog(dir.resolve("a"), 0, 15, 1 << 20);
        Path b = writeLog(dir.resolve("b"), 100, 15, 1 << 20);
        String memberA = Files.readString(dir.resolve("a/audit.member")).trim();
        String memberB = Files.readString(dir.resolve("b/audit.member")).trim();
        assertThat(memberA).isNotEqualTo(memberB);
        // Side by side: each member's chain on its own.
        AuditCommandTest.Run both = run("audit", "verify", "--key-file", dir.resolve("a/audit.pub").toString(),
                "--key-file", dir.resolve("b/audit.pub").toString(), a.toString(), b.toString());
        assertThat(both.code()).as(both.out()).isZero();
        assertThat(both.out()).contains("member " + memberA + ": 17 lines").contains("member " + memberB + ": 17 lines");

        // B's log presented as A's: put in A's state dir, or verified with --member A.
        Path fake = Files.copy(b, dir.resolve("a/audit.log.1"));
        names(run("audit", "verify", fake.toString(), a.toString()), fake, 1, "member_mismatch");
        names(run("audit", "verify", "--member", memberA, "--key-file", dir.resolve("b/audit.pub").toString(),
                b.toString()), b, 1, "member_mismatch");
        // A line of B spliced into A's file.
        List<String> spliced = lines(a);
        spliced.set(3, lines(b).get(3));
        Path s = copy(a, spliced);
        names(verify(dir.resolve("a/audit.pub"), s), s, 4, "member_mismatch");
        // And a member refuses to continue another member's file.
        assertThatThrownBy(() -> new JsonLinesAuditLog(fake, new AuditSettings(1 << 20, 3, false)))
                .hasMessageContaining("continues member " + memberB + "'s log");
    }

    @Test
    void linesAfterTheLastCheckpointAreAWarningOrWithSealedAnError() throws Exception {
        Path state = dir.resolve("state");
        Path live = writeLog(state, 0, 25, 1 << 20);  // checkpoints at lines 11, 22 and 28 (close)
        List<String> cut = lines(live).subList(0, 25);  // truncated: the close's checkpoint and 2 lines gone
        Path t = copy(live, cut);
        AuditCommandTest.Run warned = verify(state.resolve("audit.pub"), t);
        assertThat(warned.code()).as(warned.out()).isZero();
        assertThat(warned.out()).contains("warning: member").contains("3 lines not yet sealed after seq 22")
                .contains(t + ":23");
        names(run("audit", "verify", "--sealed", "--key-file", state.resolve("audit.pub").toString(), t.toString()),
                t, 23, "lines_unsealed");
        // A partial last line (a write cut short) is ignored and said.
        Path partial = copy(live, cut);
        Files.writeString(partial, "{\"seq\":26,\"mem", java.nio.file.StandardOpenOption.APPEND);
        AuditCommandTest.Run p = verify(state.resolve("audit.pub"), partial);
        assertThat(p.code()).isZero();
        assertThat(p.out()).contains(partial + ":26: a partial last line");
    }

    @Test
    void aQuietMemberSealsItsLinesWithinTheInterval() throws Exception {
        Path file = dir.resolve("state/audit.log");
        AuditSettings settings = new AuditSettings(1 << 20, 3, false).withCheckpoints(1000, Duration.ofMillis(200));
        try (JsonLinesAuditLog log = new JsonLinesAuditLog(file, settings)) {
            for (int i = 0; i < 3; i++) {
                log.record(record(i)).toCompletableFuture().get(5, TimeUnit.SECONDS);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> lines(file).stream().anyMatch(AuditFiles::isCheckpoint));
            assertThat(lines(file)).hasSize(4).last().matches(AuditFiles::isCheckpoint);
            // Nothing new: no further checkpoint.
            log.record(record(3)).toCompletableFuture().get(5, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> lines(file).size() == 6);
            assertThat(new JsonObject(lines(file).get(5)).getLong("sealedSeq")).isEqualTo(5);
        }
        assertThat(lines(file)).hasSize(6);  // close had nothing left to seal
    }

    @Test
    void anUnreadableAuditKeyRefusesTheLogAndBadInputIsExit2() throws Exception {
        Path state = Files.createDirectories(dir.resolve("state"));
        Files.writeString(state.resolve("audit.key"), "not a key\n");
        assertThatThrownBy(() -> new JsonLinesAuditLog(state.resolve("audit.log"), AuditSettings.defaults()))
                .isInstanceOf(KeyFileException.class).hasMessageContaining("audit.key");
        run("audit", "verify", dir.resolve("nope.log").toString()).failsWithOneLine(2, "cannot read audit file");
        Path log = Files.writeString(dir.resolve("plain.log"), "{}\n");
        run("audit", "verify", log.toString()).failsWithOneLine(2, "no audit public key");
        run("audit", "verify").failsWithOneLine(2, "FILE");
    }
}
