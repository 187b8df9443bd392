package dev.warrant.gateway.record;

import dev.warrant.delegation.SigningKey;
import dev.warrant.gateway.config.ConfigException;
import dev.warrant.gateway.config.ConfigLoader;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code audit.receipts}: on by default, switched off by config, anything but a boolean refused in one line. */
class ReceiptsConfigTest {

    private static final String KEYS = "keys: [ { id: root, publicKey: \"" + SigningKey.generate("root").publicKey().hex() + "\" } ]\n";

    private static AuditSettings parse(String audit) {
        return new ConfigLoader(Map.of()).parse(KEYS + audit, Path.of("/etc/warrant")).audit();
    }

    @Test
    void receiptsAreOnUnlessTurnedOff() {
        assertThat(parse("").receipts()).isTrue();
        assertThat(parse("audit: { checkpointEvery: 10 }\n").receipts()).isTrue();
        assertThat(parse("audit: { receipts: false }\n").receipts()).isFalse();
        assertThatThrownBy(() -> parse("audit: { receipts: maybe }\n")).isInstanceOf(ConfigException.class)
                .hasMessage("audit.receipts: must be true or false");
    }
}
