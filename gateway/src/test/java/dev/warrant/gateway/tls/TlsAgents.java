package dev.warrant.gateway.tls;

import dev.warrant.gateway.TestGateway;
import dev.warrant.otel.McpAttributes;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.opentelemetry.sdk.trace.data.SpanData;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Agents that speak MCP over TLS, presenting (or not) a client certificate. */
final class TlsAgents {

    static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";

    private TlsAgents() {
    }

    /** The MCP Java SDK client over https, initialized. */
    static McpSyncClient connect(URI mcpUrl, String token, SSLContext tls) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
                .builder("https://" + mcpUrl.getRawAuthority())
                .endpoint(mcpUrl.getRawPath())
                .customizeClient(b -> b.sslContext(tls))
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token))
                .build();
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20)).build();
        client.initialize();
        return client;
    }

    static HttpClient http(SSLContext tls) {
        return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** POSTs one raw JSON-RPC body; headers alternate name, value. */
    static HttpResponse<String> post(SSLContext tls, URI url, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http(tls).send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static List<String> upstreamToolNames(McpSyncClient client) {
        return client.listTools().tools().stream().map(McpSchema.Tool::name).filter(n -> !n.startsWith("warrant__")).toList();
    }

    static String text(McpSchema.CallToolResult result) {
        StringBuilder sb = new StringBuilder();
        for (McpSchema.Content c : result.content()) {
            if (c instanceof McpSchema.TextContent t) {
                sb.append(t.text());
            }
        }
        return sb.toString();
    }

    static McpSchema.CallToolResult call(McpSyncClient client, String tool, Map<String, Object> args) {
        return client.callTool(new McpSchema.CallToolRequest(tool, args));
    }

    static String reason(McpError e) {
        Object data = e.getJsonRpcError().data();
        return data instanceof Map<?, ?> m ? String.valueOf(m.get("reason")) : String.valueOf(data);
    }

    /** The warrant.reason of every authorize span recorded so far (the verdict behind what the client saw). */
    static List<String> authorizeReasons(TestGateway gw) {
        return gw.spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals("authorize"))
                .map(SpanData::getAttributes)
                .map(a -> a.get(McpAttributes.WARRANT_REASON))
                .toList();
    }
}
