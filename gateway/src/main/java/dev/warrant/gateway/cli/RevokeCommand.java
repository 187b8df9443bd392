package dev.warrant.gateway.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code warrant revoke}: {@code POST /admin/revocations} on a gateway. When it prints "revoked", every live
 * member denies tokens carrying that block (the admin API answers only once the revocation is in force).
 */
@Command(name = "revoke", mixinStandardHelpOptions = true,
        description = "Revoke a token (and every token derived from it) by one of its block revocation ids.")
final class RevokeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--url", paramLabel = "URL", defaultValue = "http://127.0.0.1:8080",
            description = "The gateway's base URL (default: ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--token-file", required = true, paramLabel = "FILE",
            description = "File holding an admin token (right admin:warrant:revocations.write or *).")
    Path tokenFile;

    @Option(names = "--id", required = true, paramLabel = "HEX", description = "Revocation id (see warrant inspect).")
    String id;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why; recorded in the gateway's log.")
    String reason;

    @Override
    public Integer call() {
        String hex = id.trim().toLowerCase(Locale.ROOT);
        if (!hex.matches("([0-9a-f]{2}){1,128}")) {
            throw new CliErrors.CliFailure("--id must be a hex revocation id (see warrant inspect)", 2);
        }
        URI endpoint = endpoint();
        String adminToken = AttenuateCommand.TokenInput.file(tokenFile).strip();
        if (adminToken.isEmpty()) {
            throw new CliErrors.CliFailure("token file is empty: " + tokenFile, 2);
        }
        JsonObject body = new JsonObject().put("revocationId", hex);
        if (reason != null) {
            body.put("reason", reason);
        }
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + adminToken)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
                .build();
        HttpResponse<String> response = send(request, endpoint);
        if (response.statusCode() != 200) {
            throw new CliErrors.CliFailure("revocation refused (HTTP " + response.statusCode() + errorOf(response.body()) + ")", 1);
        }
        spec.commandLine().getOut().println("revoked " + hex);
        spec.commandLine().getOut().flush();
        return 0;
    }

    private URI endpoint() {
        URI base;
        try {
            base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (IllegalArgumentException e) {
            throw new CliErrors.CliFailure("--url is not a URL: " + url, 2);
        }
        if (!("http".equals(base.getScheme()) || "https".equals(base.getScheme())) || base.getHost() == null) {
            throw new CliErrors.CliFailure("--url must be an http(s) URL such as http://127.0.0.1:8080", 2);
        }
        return URI.create(base + "/admin/revocations");
    }

    private static HttpResponse<String> send(HttpRequest request, URI endpoint) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new CliErrors.CliFailure("cannot reach " + endpoint + " (connection refused; is the gateway running?)", 1);
        } catch (HttpTimeoutException e) {
            throw new CliErrors.CliFailure("no answer from " + endpoint + " in time", 1);
        } catch (IOException e) {
            throw new CliErrors.CliFailure("cannot reach " + endpoint + ": " + CliErrors.message(e), 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliErrors.CliFailure("interrupted", 1);
        }
    }

    /** ", reason: detail" from the admin API's {"error": {"reason", "detail"}}; nothing for other bodies. */
    private static String errorOf(String body) {
        try {
            JsonObject error = new JsonObject(body).getJsonObject("error");
            if (error == null) {
                return "";
            }
            String detail = error.getString("detail");
            return ", " + error.getString("reason", "error") + (detail == null ? "" : ": " + detail.lines().findFirst().orElse(""));
        } catch (DecodeException | ClassCastException e) {
            return "";
        }
    }
}
