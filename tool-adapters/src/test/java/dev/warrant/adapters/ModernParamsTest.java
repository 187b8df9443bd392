package dev.warrant.adapters;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ModernParamsTest {

    @Test
    void theGatewaysCapabilitiesGoUpstreamWithTheExtensionsTheCallerDeclaredAndNothingElseOfIts() {
        Map<String, Object> caller = Map.of("name", "job", "_meta", Map.of(ModernWire.META_CAPABILITIES,
                Map.of("extensions", Map.of(ModernWire.TASKS_EXTENSION, Map.of()), "sampling", Map.of("tools", Map.of()))));
        Map<?, ?> meta = (Map<?, ?>) ModernParams.of(caller, null, null).get("_meta");
        Map<?, ?> capabilities = (Map<?, ?>) meta.get(ModernWire.META_CAPABILITIES);
        assertThat(capabilities.get("extensions")).isEqualTo(Map.of(ModernWire.TASKS_EXTENSION, Map.of()));
        assertThat(capabilities.get("sampling")).isEqualTo(Handshake.CLIENT_CAPABILITIES.get("sampling"));
        assertThat(caller.get("_meta")).isInstanceOf(Map.class); // the caller's map is untouched

        Map<?, ?> plain = (Map<?, ?>) ModernParams.of(Map.of("name", "echo"), null, null).get("_meta");
        assertThat(plain.get(ModernWire.META_CAPABILITIES)).isEqualTo(Handshake.CLIENT_CAPABILITIES);
    }
}
