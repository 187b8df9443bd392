package dev.warrant.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class UpstreamSpecTest {

    private static final Duration T = Duration.ofSeconds(5);

    @ParameterizedTest
    @ValueSource(strings = {"notes", "a", "fs-2", "my_server", "0abc", "abcdefghijklmnopqrstuvwxyz012345"})
    void acceptsGoodNames(String name) {
        assertThat(new StdioUpstreamSpec(name, "x", List.of(), Map.of(), T).name()).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Notes", "-x", "_x", "a__b", "a b", "a.b", "abcdefghijklmnopqrstuvwxyz0123456", "é"})
    void rejectsBadNames(String name) {
        assertThatThrownBy(() -> new StdioUpstreamSpec(name, "x", List.of(), Map.of(), T))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsNonPositiveTimeouts() {
        assertThatThrownBy(() -> new StdioUpstreamSpec("a", "x", List.of(), Map.of(), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HttpUpstreamSpec("a", URI.create("http://127.0.0.1/mcp"), Map.of(),
                Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void httpSpecRejectsTransportOwnedHeadersAndOddUrls() {
        assertThatThrownBy(() -> new HttpUpstreamSpec("a", URI.create("http://127.0.0.1/mcp"),
                Map.of("Mcp-Session-Id", "x"), T)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HttpUpstreamSpec("a", URI.create("ftp://127.0.0.1/mcp"), Map.of(), T))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HttpUpstreamSpec("a", URI.create("http://u:p@127.0.0.1/mcp"), Map.of(), T))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void specsDoNotPrintSecrets() {
        assertThat(new HttpUpstreamSpec("a", URI.create("http://127.0.0.1/mcp"), Map.of("Authorization", "Bearer s3cr3t"), T))
                .asString().contains("Authorization").doesNotContain("s3cr3t");
        assertThat(new StdioUpstreamSpec("a", "x", List.of(), Map.of("API_KEY", "s3cr3t"), T))
                .asString().contains("API_KEY").doesNotContain("s3cr3t");
    }
}
