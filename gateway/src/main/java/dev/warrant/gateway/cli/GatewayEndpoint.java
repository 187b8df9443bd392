package dev.warrant.gateway.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * One endpoint of a gateway named by {@code --url}: the URL checked as bad input (exit 2), and an unreachable
 * gateway turned into one line (exit 1). Shared by the commands that talk to a running gateway.
 */
record GatewayEndpoint(URI uri) {

    /** {@code base} + {@code path}; a base that is not an http(s) URL with a host is bad input. */
    static GatewayEndpoint of(String base, String path) {
        URI uri;
        try {
            uri = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        } catch (IllegalArgumentException e) {
            throw new CliErrors.CliFailure("--url is not a URL: " + base, 2);
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new CliErrors.CliFailure("--url must be an http(s) URL such as http://127.0.0.1:8080", 2);
        }
        return new GatewayEndpoint(URI.create(uri + path));
    }

    HttpRequest.Builder request() {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
    }

    HttpResponse<String> send(HttpRequest request) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new CliErrors.CliFailure("cannot reach " + uri + " (connection refused; is the gateway running?)", 1);
        } catch (HttpTimeoutException e) {
            throw new CliErrors.CliFailure("no answer from " + uri + " in time", 1);
        } catch (IOException e) {
            throw new CliErrors.CliFailure("cannot reach " + uri + ": " + CliErrors.message(e), 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliErrors.CliFailure("interrupted", 1);
        }
    }
}
