package dev.warrant.gateway.admin;

import dev.warrant.gateway.cluster.UpstreamRegistration;
import dev.warrant.gateway.upstream.CredentialTemplates;
import dev.warrant.gateway.upstream.RegisteredUpstreams;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The body of {@code PUT /admin/upstreams/{name}}, validated into an {@link UpstreamRegistration}:
 * <pre>
 * {"transport": "http", "url": "https://search.acme.example/mcp",
 *  "headers": {"Authorization": "Bearer ${env:WARRANT_UPSTREAM_ACME_SEARCH_TOKEN}"}, "timeout": "PT30S"}
 * </pre>
 * Every refusal is a 400 with its own reason code (see {@link UpstreamAdminApi}).
 */
final class RegistrationRequest {

    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);
    private static final Set<String> FIELDS = Set.of("transport", "url", "headers", "timeout");
    private static final int MAX_HEADERS = 16;

    private RegistrationRequest() {
    }

    static void requireName(String name) {
        if (name == null || !NAME.matcher(name).matches() || name.contains("__")) {
            throw bad(AdminReason.INVALID_NAME, "upstream name must match [a-z0-9][a-z0-9_-]{0,31} without \"__\"");
        }
    }

    static UpstreamRegistration parse(String name, JsonObject body, String registeredBy, long nowMillis,
                                      Function<String, String> env) {
        Object transport = body.getValue("transport", "http");
        if (!"http".equals(transport) || body.containsKey("command") || body.containsKey("stdio")) {
            // stdio would make the gateway start a process of the caller's choosing on every member.
            throw bad(AdminReason.TRANSPORT_NOT_ALLOWED, "only transport \"http\" (Streamable HTTP) can be registered through the API");
        }
        for (String field : body.fieldNames()) {
            if (!FIELDS.contains(field)) {
                throw bad(AdminReason.UNKNOWN_FIELD, "unknown field '" + field + "' (allowed: transport, url, headers, timeout)");
            }
        }
        URI url = url(body.getValue("url"));
        Map<String, String> headers = headers(name, body.getValue("headers"), env);
        Duration timeout = timeout(body.getValue("timeout"));
        UpstreamRegistration registration = new UpstreamRegistration(name, url.toString(), headers, timeout.toMillis(),
                registeredBy, nowMillis, UUID.randomUUID().toString());
        try {
            // The adapter's own checks (reserved headers, URL shape) on the spec this member will connect with.
            RegisteredUpstreams.spec(registration, env);
        } catch (IllegalArgumentException e) {
            throw bad(AdminReason.INVALID_UPSTREAM, e.getMessage());
        }
        return registration;
    }

    private static URI url(Object value) {
        if (!(value instanceof String text) || text.isBlank() || text.length() > 2048) {
            throw bad(AdminReason.INVALID_URL, "url must be an absolute http(s) URL (at most 2048 characters)");
        }
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                    || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
                throw bad(AdminReason.INVALID_URL, "url must be an absolute http(s) URL without user info or fragment");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw bad(AdminReason.INVALID_URL, "url is not a URL: " + e.getReason());
        }
    }

    private static Map<String, String> headers(String name, Object value, Function<String, String> env) {
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof JsonObject object) || object.size() > MAX_HEADERS) {
            throw bad(AdminReason.INVALID_HEADER, "headers must be an object of at most " + MAX_HEADERS + " string values");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String header : object.fieldNames()) {
            if (!header.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}")) {
                throw bad(AdminReason.INVALID_HEADER, "not a header name: '" + header + "'");
            }
            if (!(object.getValue(header) instanceof String template) || template.length() > 4096) {
                throw bad(AdminReason.INVALID_HEADER, "header " + header + ": value must be a string (at most 4096 characters)");
            }
            var references = CredentialTemplates.references(template);
            if (references.isEmpty()) {
                // Header values are treated as credentials: they come from the gateway host, never from the body.
                throw bad(AdminReason.CREDENTIAL_NOT_REFERENCED, "header " + header
                        + ": the value must reference an environment variable, e.g. \"Bearer ${env:"
                        + CredentialTemplates.namespace(name) + "TOKEN}\"");
            }
            for (String variable : references) {
                if (!CredentialTemplates.allowed(name, variable)) {
                    throw bad(AdminReason.CREDENTIAL_ENV_FORBIDDEN, "header " + header + ": upstream '" + name
                            + "' may reference only environment variables named " + CredentialTemplates.namespace(name) + "*");
                }
                if (env.apply(variable) == null) {
                    throw bad(AdminReason.CREDENTIAL_ENV_UNSET, "header " + header + ": environment variable " + variable
                            + " is not set on this gateway");
                }
            }
            out.put(header, template);
        }
        return out;
    }

    private static Duration timeout(Object value) {
        if (value == null) {
            return DEFAULT_TIMEOUT;
        }
        Duration d;
        try {
            d = value instanceof String s ? Duration.parse(s) : null;
        } catch (DateTimeParseException e) {
            d = null;
        }
        if (d == null || d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(MAX_TIMEOUT) > 0) {
            throw bad(AdminReason.INVALID_TIMEOUT, "timeout must be an ISO-8601 duration between PT1S and " + MAX_TIMEOUT);
        }
        return d;
    }

    private static AdminRefusal bad(AdminReason reason, String detail) {
        return new AdminRefusal(reason, detail);
    }
}
