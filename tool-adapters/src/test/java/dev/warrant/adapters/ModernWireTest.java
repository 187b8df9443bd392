package dev.warrant.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Header values, {@code Mcp-Name} and {@code Mcp-Param-*} bindings as MCP 2026-07-28 defines them. */
class ModernWireTest {

    @Test
    void plainVisibleAsciiIsSentAsIsEverythingElseAsBase64() {
        assertThat(ModernWire.encode("echo")).isEqualTo("echo");
        assertThat(ModernWire.encode("fixture://hello")).isEqualTo("fixture://hello");
        assertThat(ModernWire.encode("Zürich ")).isEqualTo("=?base64?WsO8cmljaCA=?=");
        assertThat(ModernWire.encode(" lead")).isEqualTo("=?base64?IGxlYWQ=?=");
        assertThat(ModernWire.encode("tab\there")).isEqualTo("=?base64?dGFiCWhlcmU=?=");
        // A value that looks like the encoding is encoded, so the server decodes it back to itself.
        assertThat(ModernWire.encode("=?base64?eA==?=")).isEqualTo("=?base64?PT9iYXNlNjQ/ZUE9PT89?=");
    }

    @Test
    void mcpNameComesFromTheMethodsOwnField() {
        assertThat(ModernWire.nameHeader("tools/call", Map.of("name", "echo"))).isEqualTo("echo");
        assertThat(ModernWire.nameHeader("prompts/get", Map.of("name", "greet"))).isEqualTo("greet");
        assertThat(ModernWire.nameHeader("resources/read", Map.of("uri", "fixture://hello")))
                .isEqualTo("fixture://hello");
        assertThat(ModernWire.nameHeader("tasks/cancel", Map.of("taskId", "t-1"))).isEqualTo("t-1");
        assertThat(ModernWire.nameHeader("tools/list", Map.of("name", "x"))).isNull();
        assertThat(ModernWire.nameHeader("tools/call", Map.of())).isNull();
    }

    @Test
    void onlyAnnotationsTheRevisionAllowsBindArguments() {
        Map<String, Object> region = Map.of("type", "string", "x-mcp-header", "Region");
        assertThat(HeaderBindings.of(Map.of("properties", Map.of("region", region))))
                .containsExactly(new HeaderBindings.Binding("Region", List.of("region")));
        // Not on a number; not off the properties chain; not twice without regard to case; a token name.
        assertThat(HeaderBindings.of(Map.of("properties", Map.of("n",
                Map.of("type", "number", "x-mcp-header", "N"))))).isNull();
        assertThat(HeaderBindings.of(Map.of("properties", Map.of("list",
                Map.of("type", "array", "items", region))))).isEmpty(); // never looked at: no header asked
        assertThat(HeaderBindings.of(Map.of("properties", Map.of("a", region,
                "b", Map.of("type", "string", "x-mcp-header", "REGION"))))).isNull();
        assertThat(HeaderBindings.of(Map.of("properties", Map.of("a",
                Map.of("type", "string", "x-mcp-header", "Bad Name"))))).isNull();
        assertThat(HeaderBindings.of(Map.of("type", "object", "x-mcp-header", "Root"))).isNull();
    }

    @Test
    void valuesRenderAsTheRevisionSays() {
        assertThat(HeaderBindings.render("x")).isEqualTo("x");
        assertThat(HeaderBindings.render(42)).isEqualTo("42");
        assertThat(HeaderBindings.render(42.0)).isEqualTo("42");
        assertThat(HeaderBindings.render(9_007_199_254_740_991L)).isEqualTo("9007199254740991");
        assertThat(HeaderBindings.render(true)).isEqualTo("true");
        assertThat(HeaderBindings.render(null)).isNull();
        assertThat(HeaderBindings.render(Map.of())).isNull();
    }

    @Test
    void aToolWithAnInvalidAnnotationGetsNoHeaders() {
        ParamHeaders headers = new ParamHeaders("u");
        headers.learn(Map.of("tools", List.of(
                Map.of("name", "good", "inputSchema", Map.of("properties",
                        Map.of("r", Map.of("type", "string", "x-mcp-header", "R")))),
                Map.of("name", "bad", "inputSchema", Map.of("properties",
                        Map.of("r", Map.of("type", "number", "x-mcp-header", "R")))))));
        assertThat(headers.headers(Map.of("name", "good", "arguments", Map.of("r", "v"))))
                .isEqualTo(Map.of("Mcp-Param-R", "v"));
        assertThat(headers.headers(Map.of("name", "bad", "arguments", Map.of("r", 1)))).isEmpty();
        assertThat(headers.headers(Map.of("name", "unlisted", "arguments", Map.of("r", "v")))).isEmpty();
    }
}
