package dev.warrant.gateway.record.search;

import dev.warrant.gateway.errors.WarrantException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The merge of members' pages and the cluster cursor, without a cluster (ConsoleClusterTest runs one). */
class ClusterAuditSearchTest {

    static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");

    @Test
    void aMemberThatDoesNotAnswerIsAskedAgainFromWhereItStoodAndThePageSaysSo() {
        ClusterAuditSearch.Part a = part("a", 3, 0);
        ClusterAuditSearch.Part b = new ClusterAuditSearch.Part("b", null);
        List<ClusterAuditPage.Member> members = new ArrayList<>(List.of(new ClusterAuditPage.Member("a", "x", true),
                new ClusterAuditPage.Member("b", "y", false)));

        ClusterAuditPage first = ClusterAuditSearch.merge(2, null, List.of(a, b), members);
        assertThat(first.lines()).extracting(AuditEntry::seq).containsExactly(3L, 2L);
        assertThat(first.partial()).isTrue();
        assertThat(first.unanswered()).extracting(ClusterAuditPage.Member::id).containsExactly("b");
        // b from its newest line next time; a after the second line it showed.
        assertThat(first.nextCursor().resume()).containsEntry("b", "")
                .containsEntry("a", cursorOf("a", 2).encode());

        // Next page: a has shown all its lines and has no more; b answers now.
        ClusterAuditPage second = ClusterAuditSearch.merge(2, first.nextCursor(),
                List.of(part("a", 1, 0), part("b", 1, 5)), new ArrayList<>());
        assertThat(second.lines()).extracting(AuditEntry::member).containsExactly("b", "a");
        assertThat(second.partial()).isFalse();
        assertThat(second.nextCursor()).isNull();
    }

    @Test
    void aMemberThatLeftTheClusterIsKeptInTheCursorAndNamed() {
        ClusterCursor previous = new ClusterCursor(Map.of("a", "", "gone", ""), Set.of());
        List<ClusterAuditPage.Member> members = new ArrayList<>(List.of(new ClusterAuditPage.Member("a", "x", true)));
        ClusterAuditPage page = ClusterAuditSearch.merge(5, previous, List.of(part("a", 1, 0)), members);
        assertThat(page.partial()).isTrue();
        assertThat(page.unanswered()).extracting(ClusterAuditPage.Member::id).containsExactly("gone");
        assertThat(page.nextCursor().resume()).containsOnlyKeys("gone");
        assertThat(page.nextCursor().done()).containsExactly("a");
    }

    @Test
    void theCursorRoundTripsAndAnythingElseIsRefusedByItsReason() {
        ClusterCursor c = new ClusterCursor(Map.of("m1", "", "m2", cursorOf("m2", 7).encode()), Set.of("m3"));
        assertThat(ClusterCursor.decode(c.encode())).isEqualTo(c);
        for (String bad : List.of("", "%%%", b64("{}"), b64("{\"v\":2,\"r\":{},\"d\":[]}"),
                b64("{\"v\":1,\"r\":{\"m\":\"not-a-cursor\"},\"d\":[]}"), b64("{\"v\":1,\"r\":{\"m\":3},\"d\":[]}"),
                b64("{\"v\":1,\"r\":{},\"d\":[\"" + "x".repeat(65) + "\"]}"), b64("[1]"), "A".repeat(20_000))) {
            assertThatThrownBy(() -> ClusterCursor.decode(bad)).as(bad).isInstanceOf(WarrantException.class)
                    .extracting(e -> ((WarrantException) e).reason().code()).isEqualTo("audit_cursor_invalid");
        }
    }

    /** A member's answer with {@code n} lines, newest first, seq n..1, a second apart from {@code offset} s. */
    private static ClusterAuditSearch.Part part(String member, int n, int offset) {
        JsonArray lines = new JsonArray();
        JsonArray resumes = new JsonArray();
        for (int seq = n; seq >= 1; seq--) {
            lines.add(new JsonObject().put("seq", seq).put("member", member)
                    .put("time", T0.plusSeconds(offset + seq).toString()).put("decision", "allow"));
            resumes.add(cursorOf(member, seq).encode());
        }
        return new ClusterAuditSearch.Part(member, new JsonObject().put("lines", lines).put("resumes", resumes)
                .put("next", null).put("partial", false));
    }

    private static AuditCursor cursorOf(String member, long offset) {
        byte[] id = new byte[LogFile.ID_BYTES];
        id[0] = (byte) member.hashCode();
        return new AuditCursor(id, offset);
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
