package dev.warrant.gateway.console;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser-like HTTP client for the console without a browser: keeps cookies, never follows redirects (tests
 * assert them), reads the CSRF token from the last page's hidden field.
 */
final class ConsoleClient {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private final URI base;
    final CookieManager cookies;
    private final HttpClient http;
    String csrf;

    ConsoleClient(URI base) {
        this(base, new CookieManager());
    }

    /** A client for another member with the same browser's cookies (cookies are per host, not per port). */
    ConsoleClient(URI base, CookieManager cookies) {
        this(base, cookies, null);
    }

    /** A client of a console served over TLS, trusting what {@code tls} trusts. */
    ConsoleClient(URI base, javax.net.ssl.SSLContext tls) {
        this(base, new CookieManager(), tls);
    }

    private ConsoleClient(URI base, CookieManager cookies, javax.net.ssl.SSLContext tls) {
        this.base = base;
        this.cookies = cookies;
        HttpClient.Builder b = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5));
        this.http = (tls == null ? b : b.sslContext(tls)).build();
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        remember(r.body());
        return r;
    }

    /** A form post as a browser sends it from this origin; pairs of name, value. */
    HttpResponse<String> post(String path, Map<String, String> form, String... headers) throws Exception {
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", base.getScheme() + "://" + base.getAuthority())
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        remember(r.body());
        return r;
    }

    /** Signs in with {@code token} through the form; returns the sign-in answer. */
    HttpResponse<String> signIn(String token) throws Exception {
        get("/console/login");
        return post("/console/login", form("token", token, "csrf", csrf));
    }

    static Map<String, String> form(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    private void remember(String body) {
        Matcher m = CSRF.matcher(body == null ? "" : body);
        if (m.find()) {
            csrf = m.group(1);
        }
    }
}
