package dev.warrant.gateway.audit;

import dev.warrant.delegation.SigningKey;
import dev.warrant.gateway.config.ConfigException;
import dev.warrant.gateway.config.ConfigLoader;
import dev.warrant.gateway.config.GatewayConfig;
import dev.warrant.gateway.record.AuditSettings;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code audit:} config section: rotation, argument and failure settings, safe defaults, one-line errors. */
class AuditConfigTest {

    private static final String KEYS = "keys: [ { id: root, publicKey: \"" + SigningKey.generate("root").publicKey().hex() + "\" } ]\n";

    private static GatewayConfig parse(String audit) {
        return new ConfigLoader(Map.of()).parse(KEYS + audit, Path.of("/etc/warrant"));
    }

    @Test
    void defaultsKeepArgumentsOutAndRotateAt64MiB() {
        AuditSettings d = parse("").audit();
        assertThat(d.includeArguments()).isFalse();
        assertThat(d.maxFileBytes()).isEqualTo(64L * 1024 * 1024);
        assertThat(d.maxFiles()).isEqualTo(10);
        assertThat(d.refuseWhenFailing()).as("no audit, no action by default").isTrue();
    }

    @Test
    void onFailureChoosesBetweenRefusingAndAnswering() {
        assertThat(parse("audit: { onFailure: answer }\n").audit().refuseWhenFailing()).isFalse();
        assertThat(parse("audit: { onFailure: refuse }\n").audit().refuseWhenFailing()).isTrue();
        assertThatThrownBy(() -> parse("audit: { onFailure: ignore }\n")).isInstanceOf(ConfigException.class)
                .hasMessage("audit.onFailure: must be refuse or answer");
        assertThatThrownBy(() -> parse("audit: { onFailure: 1 }\n")).isInstanceOf(ConfigException.class)
                .hasMessage("audit.onFailure: must be refuse or answer");
    }

    @Test
    void readsEverySetting() {
        GatewayConfig c = parse("audit: { file: logs/audit.log, maxFileBytes: 5000000000, maxFiles: 3, includeArguments: true }\n");
        assertThat(c.auditFile()).contains(Path.of("/etc/warrant/logs/audit.log"));
        assertThat(c.audit()).isEqualTo(new AuditSettings(5_000_000_000L, 3, true));
    }

    @Test
    void badValuesAreOneLineErrors() {
        assertThatThrownBy(() -> parse("audit: { maxFiles: 0 }\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("audit.maxFiles");
        assertThatThrownBy(() -> parse("audit: { maxFileBytes: 10 }\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("audit.maxFileBytes");
        assertThatThrownBy(() -> parse("audit: { includeArguments: yes please }\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("audit.includeArguments");
        assertThatThrownBy(() -> parse("audit: { maxfiles: 3 }\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("audit.maxfiles");
    }
}
