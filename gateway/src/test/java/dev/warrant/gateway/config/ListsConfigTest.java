package dev.warrant.gateway.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code lists:} section: the page size of tools/list, resources/list, resources/templates/list, prompts/list. */
class ListsConfigTest {

    @Test
    void pageSizeDefaultsTo500AndCanBeSetInTheFileOrTheEnvironment() {
        assertThat(ConfigLoaderTest.parse(ConfigLoaderTest.KEYS).listPageSize()).isEqualTo(500);
        assertThat(ConfigLoaderTest.parse(ConfigLoaderTest.KEYS + "lists: { pageSize: 50 }\n").listPageSize()).isEqualTo(50);
        GatewayConfig env = new ConfigLoader(Map.of("WARRANT_LISTS_PAGE_SIZE", "7"))
                .parse(ConfigLoaderTest.KEYS + "lists: { pageSize: 50 }\n", null);
        assertThat(env.listPageSize()).isEqualTo(7);
    }

    @Test
    void mistakesNameTheSetting() {
        assertThatThrownBy(() -> ConfigLoaderTest.parse(ConfigLoaderTest.KEYS + "lists: { pageSize: 0 }\n"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("lists.pageSize");
        assertThatThrownBy(() -> ConfigLoaderTest.parse(ConfigLoaderTest.KEYS + "lists: { size: 10 }\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("lists.size");
        assertThatThrownBy(() -> new ConfigLoader(Map.of("WARRANT_LISTS_PAGE_SIZE", "many")).parse(ConfigLoaderTest.KEYS, null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("WARRANT_LISTS_PAGE_SIZE");
    }
}
