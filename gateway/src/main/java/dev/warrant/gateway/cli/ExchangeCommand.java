package dev.warrant.gateway.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code warrant exchange}: RFC 8693 token exchange at a gateway's {@code POST /oauth/token}. Prints only the
 * issued token, so {@code warrant exchange ... > child.token} works; a refusal is one line naming the RFC 6749
 * error and the gateway's reason code. No token (sent or received) ever appears in an error line.
 */
@Command(name = "exchange", mixinStandardHelpOptions = true,
        description = "Exchange an IdP JWT or a Warrant token for a Warrant token (RFC 8693), optionally for an "
                + "actor (a delegation hop to it) and narrowed by --scope/--resource; prints the new token.")
final class ExchangeCommand implements Callable<Integer> {

    static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";
    private static final Pattern JWT_FORM = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]+=*");
    private static final Pattern SCOPE_ITEM = Pattern.compile("(tool|prompt|resource):[^:\\s]+:\\S+");
    /** Enough for any reason the gateway gives; a longer description is cut, never a reason to print more. */
    private static final int MAX_DESCRIPTION = 300;

    /** The token types of the exchange contract, by their short CLI names. */
    enum TokenType {
        JWT("jwt", "urn:ietf:params:oauth:token-type:jwt"),
        ACCESS_TOKEN("access_token", "urn:ietf:params:oauth:token-type:access_token"),
        BISCUIT("biscuit", "urn:warrant:params:oauth:token-type:biscuit");

        final String cliName;
        final String urn;

        TokenType(String cliName, String urn) {
            this.cliName = cliName;
            this.urn = urn;
        }

        static TokenType parse(String option, String value) {
            for (TokenType t : values()) {
                if (t.cliName.equals(value.trim().toLowerCase(Locale.ROOT))) {
                    return t;
                }
            }
            throw new CliErrors.CliFailure(option + " must be one of jwt, access_token, biscuit", 2);
        }

        /** Three dot-separated base64url parts: a JWT; one base64url string: a Biscuit. */
        static TokenType detect(String token, String typeOption) {
            if (JWT_FORM.matcher(token).matches()) {
                return JWT;
            }
            if (BASE64URL.matcher(token).matches()) {
                return BISCUIT;
            }
            throw new CliErrors.CliFailure("the token is neither a JWT nor a Biscuit by its form; give " + typeOption, 2);
        }
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--url", paramLabel = "URL", defaultValue = "http://127.0.0.1:8080",
            description = "The gateway's base URL (default: ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--subject-token-file", required = true, paramLabel = "FILE",
            description = "File holding the subject token: an IdP JWT or a Warrant token.")
    Path subjectTokenFile;

    @Option(names = "--subject-token-type", paramLabel = "TYPE",
            description = "jwt, access_token or biscuit (default: jwt for three dot-separated parts, else biscuit).")
    String subjectTokenType;

    @Option(names = "--actor-token-file", paramLabel = "FILE",
            description = "File holding the actor's token (e.g. its client-credentials JWT): the new token is "
                    + "delegated from the subject to that actor.")
    Path actorTokenFile;

    @Option(names = "--actor-token-type", paramLabel = "TYPE", description = "Like --subject-token-type, for the actor token.")
    String actorTokenType;

    @Option(names = "--scope", paramLabel = "ITEM",
            description = "Narrow to tool:SERVER:NAME, resource:SERVER:URI_PREFIX or prompt:SERVER:NAME (NAME * = any); "
                    + "repeatable or space-separated.")
    List<String> scopes = new ArrayList<>();

    @Option(names = "--resource", paramLabel = "URI", description = "The RFC 8707 resource the token is for (absolute URI).")
    String resource;

    @Override
    public Integer call() {
        Map<String, String> form = form();
        GatewayEndpoint endpoint = GatewayEndpoint.of(url, "/oauth/token");
        HttpRequest request = endpoint.request()
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(encode(form)))
                .build();
        HttpResponse<String> response = endpoint.send(request);
        List<String> secrets = form.entrySet().stream().filter(e -> e.getKey().endsWith("_token"))
                .map(Map.Entry::getValue).toList();
        if (response.statusCode() != 200) {
            throw new CliErrors.CliFailure("exchange refused (HTTP " + response.statusCode()
                    + refusal(response.body(), secrets) + ")", 1);
        }
        String token = accessToken(response.body());
        spec.commandLine().getOut().println(token);
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** The form fields, in the order RFC 8693 lists them; every bad input is found before anything is sent. */
    private Map<String, String> form() {
        if (actorTokenType != null && actorTokenFile == null) {
            throw new CliErrors.CliFailure("--actor-token-type needs --actor-token-file", 2);
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", GRANT_TYPE);
        if (resource != null) {
            form.put("resource", resource());
        }
        String scope = scope();
        if (!scope.isEmpty()) {
            form.put("scope", scope);
        }
        String subject = token(subjectTokenFile);
        form.put("subject_token", subject);
        form.put("subject_token_type", type(subject, subjectTokenType, "--subject-token-type").urn);
        if (actorTokenFile != null) {
            String actor = token(actorTokenFile);
            form.put("actor_token", actor);
            form.put("actor_token_type", type(actor, actorTokenType, "--actor-token-type").urn);
        }
        return form;
    }

    private static String token(Path file) {
        String token = AttenuateCommand.TokenInput.file(file).strip();
        if (token.isEmpty()) {
            throw new CliErrors.CliFailure("token file is empty: " + file, 2);
        }
        return token;
    }

    private static TokenType type(String token, String given, String option) {
        return given == null ? TokenType.detect(token, option) : TokenType.parse(option, given);
    }

    private String resource() {
        try {
            URI uri = new URI(resource.trim());
            if (uri.isAbsolute() && uri.getFragment() == null) {
                return uri.toString();
            }
        } catch (java.net.URISyntaxException e) {
            // reported below
        }
        throw new CliErrors.CliFailure("--resource must be an absolute URI without a fragment (RFC 8707)", 2);
    }

    private String scope() {
        List<String> items = new ArrayList<>();
        for (String s : scopes) {
            for (String item : s.trim().split("\\s+")) {
                if (item.isEmpty()) {
                    continue;
                }
                if (!SCOPE_ITEM.matcher(item).matches()) {
                    throw new CliErrors.CliFailure("--scope '" + item + "' must be tool:SERVER:NAME, resource:SERVER:URI_PREFIX "
                            + "or prompt:SERVER:NAME", 2);
                }
                if (!items.contains(item)) {
                    items.add(item);
                }
            }
        }
        return String.join(" ", items);
    }

    static String encode(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static String accessToken(String body) {
        try {
            Object token = new JsonObject(body).getValue("access_token");
            if (token instanceof String s && !s.isBlank()) {
                return s.strip();
            }
        } catch (DecodeException e) {
            // reported below
        }
        throw new CliErrors.CliFailure("the gateway's answer holds no access_token (HTTP 200)", 1);
    }

    /**
     * ", error, warrant_reason R: description" from an RFC 6749 error body; nothing for other bodies. The
     * description is one line, bounded, and any token of the request it echoes is blanked out.
     */
    static String refusal(String body, List<String> secrets) {
        JsonObject json;
        try {
            json = new JsonObject(body);
        } catch (DecodeException | ClassCastException e) {
            return "";
        }
        StringBuilder s = new StringBuilder();
        if (json.getValue("error") instanceof String error) {
            s.append(", ").append(clean(error, secrets));
        }
        if (json.getValue("warrant_reason") instanceof String reason) {
            s.append(", warrant_reason ").append(clean(reason, secrets));
        }
        if (json.getValue("error_description") instanceof String description) {
            s.append(": ").append(clean(description, secrets));
        }
        return s.toString();
    }

    private static String clean(String text, List<String> secrets) {
        String t = text;
        for (String secret : secrets) {
            t = t.replace(secret, "[token]");
        }
        t = t.lines().findFirst().orElse("").replaceAll("\\p{Cntrl}", "?");
        return t.length() > MAX_DESCRIPTION ? t.substring(0, MAX_DESCRIPTION) + "..." : t;
    }
}
