package dev.warrant.gateway.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code listen.eventLoops}: how many event loops serve the agent port. */
class ListenConfigTest {

    @Test
    void eventLoopsDefaultToTheCoresAndCanBeSetInTheFileOrTheEnvironment() {
        assertThat(ConfigLoaderTest.parse(ConfigLoaderTest.KEYS).eventLoops())
                .isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(ConfigLoaderTest.parse(ConfigLoaderTest.KEYS + "listen: { port: 0, eventLoops: 3 }\n").eventLoops())
                .isEqualTo(3);
        GatewayConfig env = new ConfigLoader(Map.of("WARRANT_EVENT_LOOPS", "1"))
                .parse(ConfigLoaderTest.KEYS + "listen: { eventLoops: 3 }\n", null);
        assertThat(env.eventLoops()).isEqualTo(1);
    }

    @Test
    void mistakesNameTheSetting() {
        assertThatThrownBy(() -> ConfigLoaderTest.parse(ConfigLoaderTest.KEYS + "listen: { eventLoops: 0 }\n"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("listen.eventLoops");
        assertThatThrownBy(() -> ConfigLoaderTest.parse(ConfigLoaderTest.KEYS + "listen: { eventLoops: lots }\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("listen.eventLoops");
        assertThatThrownBy(() -> new ConfigLoader(Map.of("WARRANT_EVENT_LOOPS", "-1")).parse(ConfigLoaderTest.KEYS, null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("eventLoops");
    }
}
