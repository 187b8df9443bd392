package dev.warrant.gateway.admin;

import dev.warrant.gateway.Gateway;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Admin API requests against a real gateway, as an operator's tooling would send them. */
final class AdminCalls {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private AdminCalls() {
    }

    static HttpResponse<String> send(Gateway g, String admin, String method, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(g.baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The JSON answer of a request that must succeed (200). */
    static JsonObject ok(Gateway g, String admin, String method, String path, String body) throws Exception {
        HttpResponse<String> r = send(g, admin, method, path, body);
        if (r.statusCode() != 200) {
            throw new AssertionError(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return new JsonObject(r.body());
    }

    /** The error reason of a refused request. */
    static String reason(HttpResponse<String> r) {
        return new JsonObject(r.body()).getJsonObject("error").getString("reason");
    }
}
