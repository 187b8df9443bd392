package dev.warrant.gateway.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code warrant approvals list|approve ID|deny ID [--reason TEXT]}: the held calls waiting for a human, through the
 * admin API of any cluster member ({@code /admin/approvals}; rights admin:warrant:approvals.read / approvals.write).
 */
@Command(name = "approvals", mixinStandardHelpOptions = true,
        description = "List, approve or deny tool calls held for human approval (high-risk tools).")
final class ApprovalsCommand {

    @Spec
    CommandSpec spec;

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Pending approvals, oldest first.")
    int list(@Option(names = "--url", defaultValue = "http://127.0.0.1:8080", paramLabel = "URL",
                     description = "The gateway's base URL (default: ${DEFAULT-VALUE}).") String url,
             @Option(names = "--token-file", required = true, paramLabel = "FILE",
                     description = "File holding an admin token (right admin:warrant:approvals.read or *).") Path tokenFile) {
        JsonObject body = send(HttpRequest.newBuilder(endpoint(url, "")).GET(), tokenFile);
        PrintWriter out = spec.commandLine().getOut();
        JsonArray items = body.getJsonArray("approvals", new JsonArray());
        if (items.isEmpty()) {
            out.println("no pending approvals");
        }
        for (int i = 0; i < items.size(); i++) {
            JsonObject a = items.getJsonObject(i);
            out.println(a.getString("id") + "  " + a.getString("tool") + "  caller=" + a.getString("caller")
                    + "  chain=" + String.join(">", a.getJsonArray("chain", new JsonArray()).stream().map(String::valueOf).toList())
                    + (a.getString("riskTier") == null ? "" : "  risk=" + a.getString("riskTier"))
                    + "  since=" + a.getString("createdAt") + "  expires=" + a.getString("expiresAt")
                    + (a.getString("argumentDigest") == null ? "" : "  args=" + a.getString("argumentDigest")));
        }
        out.flush();
        return 0;
    }

    @Command(name = "approve", mixinStandardHelpOptions = true, description = "Release a held call.")
    int approve(@Parameters(paramLabel = "ID", description = "Approval id (see warrant approvals list).") String id,
                @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", paramLabel = "URL",
                        description = "The gateway's base URL (default: ${DEFAULT-VALUE}).") String url,
                @Option(names = "--token-file", required = true, paramLabel = "FILE",
                        description = "File holding an admin token (right admin:warrant:approvals.write or *).") Path tokenFile,
                @Option(names = "--reason", paramLabel = "TEXT",
                        description = "Why, in one line (at most 500 characters); recorded with the decision.") String reason) {
        return decide(id, "approve", url, tokenFile, reason);
    }

    @Command(name = "deny", mixinStandardHelpOptions = true, description = "Refuse a held call (the agent gets approval_denied).")
    int deny(@Parameters(paramLabel = "ID", description = "Approval id (see warrant approvals list).") String id,
             @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", paramLabel = "URL",
                     description = "The gateway's base URL (default: ${DEFAULT-VALUE}).") String url,
             @Option(names = "--token-file", required = true, paramLabel = "FILE",
                     description = "File holding an admin token (right admin:warrant:approvals.write or *).") Path tokenFile,
             @Option(names = "--reason", paramLabel = "TEXT",
                     description = "Why, in one line (at most 500 characters); the agent is told it.") String reason) {
        return decide(id, "deny", url, tokenFile, reason);
    }

    private int decide(String id, String action, String url, Path tokenFile, String reason) {
        if (!id.matches("[0-9A-Za-z-]{1,64}")) {
            throw new CliErrors.CliFailure("ID must be an approval id as printed by warrant approvals list", 2);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint(url, "/" + id + "/" + action));
        if (reason == null) {
            request.POST(HttpRequest.BodyPublishers.noBody());
        } else {
            // The gateway checks the reason (length, printable); its refusal is printed like any other.
            request.header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("reason", reason).encode()));
        }
        JsonObject result = send(request, tokenFile);
        spec.commandLine().getOut().println(("approve".equals(action) ? "approved " : "denied ") + id
                + " (" + result.getString("tool") + " for " + result.getString("caller") + ")");
        spec.commandLine().getOut().flush();
        return 0;
    }

    private static URI endpoint(String url, String suffix) {
        URI base;
        try {
            base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (IllegalArgumentException e) {
            throw new CliErrors.CliFailure("--url is not a URL: " + url, 2);
        }
        if (!("http".equals(base.getScheme()) || "https".equals(base.getScheme())) || base.getHost() == null) {
            throw new CliErrors.CliFailure("--url must be an http(s) URL such as http://127.0.0.1:8080", 2);
        }
        return URI.create(base + "/admin/approvals" + suffix);
    }

    private static JsonObject send(HttpRequest.Builder builder, Path tokenFile) {
        String token = AttenuateCommand.TokenInput.file(tokenFile).strip();
        if (token.isEmpty()) {
            throw new CliErrors.CliFailure("token file is empty: " + tokenFile, 2);
        }
        HttpRequest request = builder.timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token).build();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new CliErrors.CliFailure("cannot reach " + request.uri() + " (connection refused; is the gateway running?)", 1);
        } catch (HttpTimeoutException e) {
            throw new CliErrors.CliFailure("no answer from " + request.uri() + " in time", 1);
        } catch (IOException e) {
            throw new CliErrors.CliFailure("cannot reach " + request.uri() + ": " + CliErrors.message(e), 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliErrors.CliFailure("interrupted", 1);
        }
        JsonObject body;
        try {
            body = new JsonObject(response.body());
        } catch (DecodeException e) {
            throw new CliErrors.CliFailure("unexpected answer from " + request.uri() + " (HTTP " + response.statusCode() + ")", 1);
        }
        if (response.statusCode() != 200) {
            JsonObject error = body.getValue("error") instanceof JsonObject o ? o : new JsonObject();
            String detail = error.getString("detail");
            throw new CliErrors.CliFailure("refused (HTTP " + response.statusCode() + ", " + error.getString("reason", "error")
                    + (detail == null ? "" : ": " + detail.lines().findFirst().orElse("")) + ")", 1);
        }
        return body;
    }
}
