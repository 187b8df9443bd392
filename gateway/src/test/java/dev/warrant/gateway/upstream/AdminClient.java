package dev.warrant.gateway.upstream;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The upstream admin API over plain HTTP, as a provider's script would call it. */
public final class AdminClient {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private AdminClient() {
    }

    public static HttpResponse<String> put(URI base, String token, String name, JsonObject body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + "/admin/upstreams/" + name))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body.encode())), token);
    }

    public static HttpResponse<String> delete(URI base, String token, String name) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + "/admin/upstreams/" + name)).DELETE(), token);
    }

    public static HttpResponse<String> list(URI base, String token) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + "/admin/upstreams")).GET(), token);
    }

    public static String reason(HttpResponse<String> r) {
        return new JsonObject(r.body()).getJsonObject("error").getString("reason");
    }

    private static HttpResponse<String> send(HttpRequest.Builder b, String token) throws Exception {
        return HTTP.send(b.header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
