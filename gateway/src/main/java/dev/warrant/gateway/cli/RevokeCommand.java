package dev.warrant.gateway.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code warrant revoke}: {@code POST /admin/revocations} on a gateway. When it prints "revoked", every live
 * cluster member denies what it covers (the admin API answers only once every member confirmed; otherwise
 * HTTP 503 revocation_incomplete and exit code 1).
 */
@Command(name = "revoke", mixinStandardHelpOptions = true,
        description = "Revoke by block revocation id (that token and every token derived from it), by agent "
                + "(tokens naming it anywhere in their chain, optionally only those issued before a time), by task, "
                + "or by IdP identity (--subject with --issuer: every token the gateway minted for it).")
final class RevokeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--url", paramLabel = "URL", defaultValue = "http://127.0.0.1:8080",
            description = "The gateway's base URL (default: ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--token-file", required = true, paramLabel = "FILE",
            description = "File holding an admin token (right admin:warrant:revocations.write or *).")
    Path tokenFile;

    @Option(names = "--id", paramLabel = "HEX", description = "Revocation id (see warrant inspect).")
    String id;

    @Option(names = "--agent", paramLabel = "NAME",
            description = "Agent: its tokens, tokens delegated to it and onwards from it.")
    String agent;

    @Option(names = "--issued-before", paramLabel = "ISO",
            description = "With --agent: only tokens issued before this instant (e.g. 2026-11-25T20:00:00Z).")
    String issuedBefore;

    @Option(names = "--task", paramLabel = "TASK", description = "Task id: every token minted for it.")
    String task;

    @Option(names = "--subject", paramLabel = "SUB",
            description = "With --issuer: an IdP identity (a JWT's sub); every token minted for it and derived from those.")
    String subject;

    @Option(names = "--issuer", paramLabel = "URL", description = "With --subject: the identity's issuer (a JWT's iss).")
    String issuer;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why; recorded in the gateway's log.")
    String reason;

    @Override
    public Integer call() {
        JsonObject body = body();
        GatewayEndpoint endpoint = GatewayEndpoint.of(url, "/admin/revocations");
        String adminToken = AttenuateCommand.TokenInput.file(tokenFile).strip();
        if (adminToken.isEmpty()) {
            throw new CliErrors.CliFailure("token file is empty: " + tokenFile, 2);
        }
        if (reason != null) {
            body.put("reason", reason);
        }
        HttpRequest request = endpoint.request()
                .header("Authorization", "Bearer " + adminToken)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
                .build();
        HttpResponse<String> response = endpoint.send(request);
        if (response.statusCode() != 200) {
            throw new CliErrors.CliFailure("revocation refused (HTTP " + response.statusCode() + errorOf(response.body()) + ")", 1);
        }
        spec.commandLine().getOut().println("revoked " + describe(body));
        spec.commandLine().getOut().flush();
        return 0;
    }

    private JsonObject body() {
        int kinds = (id != null ? 1 : 0) + (agent != null ? 1 : 0) + (task != null ? 1 : 0) + (subject != null ? 1 : 0);
        if (kinds != 1) {
            throw new CliErrors.CliFailure("give exactly one of --id, --agent, --task, --subject", 2);
        }
        if ((subject == null) != (issuer == null)) {
            throw new CliErrors.CliFailure("--subject and --issuer go together", 2);
        }
        if (issuedBefore != null && agent == null) {
            throw new CliErrors.CliFailure("--issued-before needs --agent", 2);
        }
        if (id != null) {
            String hex = id.trim().toLowerCase(Locale.ROOT);
            if (!hex.matches("([0-9a-f]{2}){1,128}")) {
                throw new CliErrors.CliFailure("--id must be a hex revocation id (see warrant inspect)", 2);
            }
            return new JsonObject().put("revocationId", hex);
        }
        if (task != null) {
            return new JsonObject().put("task", nonBlank(task, "--task"));
        }
        if (subject != null) {
            return new JsonObject().put("subject", nonBlank(subject, "--subject")).put("issuer", nonBlank(issuer, "--issuer"));
        }
        JsonObject body = new JsonObject().put("agent", nonBlank(agent, "--agent"));
        if (issuedBefore != null) {
            try {
                body.put("issuedBefore", Instant.parse(issuedBefore.trim()).toString());
            } catch (DateTimeParseException e) {
                throw new CliErrors.CliFailure("--issued-before must be an ISO-8601 instant such as 2026-11-25T20:00:00Z", 2);
            }
        }
        return body;
    }

    private static String nonBlank(String value, String option) {
        if (value.isBlank()) {
            throw new CliErrors.CliFailure(option + " must not be empty", 2);
        }
        return value.trim();
    }

    private static String describe(JsonObject body) {
        if (body.containsKey("revocationId")) {
            return body.getString("revocationId");
        }
        if (body.containsKey("task")) {
            return "task " + body.getString("task");
        }
        if (body.containsKey("subject")) {
            return "subject " + body.getString("subject") + " of " + body.getString("issuer");
        }
        return "agent " + body.getString("agent")
                + (body.containsKey("issuedBefore") ? " (tokens issued before " + body.getString("issuedBefore") + ")" : "");
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
