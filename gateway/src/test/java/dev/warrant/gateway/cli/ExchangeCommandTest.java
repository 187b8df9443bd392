package dev.warrant.gateway.cli;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static dev.warrant.gateway.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code warrant exchange}'s own behaviour (the form it sends, what it prints, its errors and exit codes) against
 * a stub of {@code POST /oauth/token}; the gateway's real endpoint has its own end-to-end test.
 */
class ExchangeCommandTest {
    /** Shaped like a JWT (three base64url parts); the command never parses tokens, it only sends them. */
    private static final String JWT = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";
    private static final String BISCUIT = "En0KEwoFYWdlbnQYAyIICgYIBBIC-_8";
    private static final String ISSUED = "EpQBCioKBWFnZW50CgVhbGljZRgDIgoKCAiACBIDGIEI_issued";

    @TempDir
    static Path dir;
    static HttpServer stub;
    static final AtomicReference<Received> received = new AtomicReference<>();
    static volatile int status;
    static volatile String answer;
    static Path jwtFile;
    static Path biscuitFile;

    record Received(String method, String path, String contentType, Map<String, String> form) {}

    @BeforeAll
    static void start() throws IOException {
        stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        stub.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.set(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Content-Type"), decode(body)));
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        stub.start();
        jwtFile = Files.writeString(dir.resolve("alice.jwt"), JWT + "\n");
        biscuitFile = Files.writeString(dir.resolve("agent.token"), BISCUIT + "\n");
    }

    @AfterAll
    static void stop() {
        stub.stop(0);
    }

    @BeforeEach
    void answerWithAToken() {
        received.set(null);
        status = 200;
        answer = "{\"access_token\":\"" + ISSUED + "\",\"issued_token_type\":\"urn:warrant:params:oauth:token-type:biscuit\","
                + "\"token_type\":\"Bearer\",\"expires_in\":300}";
    }

    private static String url() {
        return "http://127.0.0.1:" + stub.getAddress().getPort();
    }

    /** Decodes the form strictly: a field sent twice would fail the test. */
    private static Map<String, String> decode(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            assertThat(form.put(key, value)).as("field " + key + " sent once").isNull();
        }
        return form;
    }

    @Test
    void printsOnlyTheIssuedTokenAndSendsTheFormWithDetectedTypes() {
        CliRun r = run("exchange", "--url", url() + "/", "--subject-token-file", jwtFile.toString(),
                "--actor-token-file", biscuitFile.toString(),
                "--scope", "tool:notes:read_note  resource:notes:file:///notes/ ",
                "--scope", "prompt:notes:*", "--scope", "tool:notes:read_note",
                "--resource", "https://gateway.example.org/mcp?tenant=a&b=c%20d").ok();
        assertThat(r.out()).isEqualTo(ISSUED + System.lineSeparator());

        Received got = received.get();
        assertThat(got.method()).isEqualTo("POST");
        assertThat(got.path()).isEqualTo("/oauth/token");
        assertThat(got.contentType()).isEqualTo("application/x-www-form-urlencoded");
        assertThat(got.form()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "grant_type", "urn:ietf:params:oauth:grant-type:token-exchange",
                "subject_token", JWT,
                "subject_token_type", "urn:ietf:params:oauth:token-type:jwt",
                "actor_token", BISCUIT,
                "actor_token_type", "urn:warrant:params:oauth:token-type:biscuit",
                "scope", "tool:notes:read_note resource:notes:file:///notes/ prompt:notes:*",
                "resource", "https://gateway.example.org/mcp?tenant=a&b=c%20d"));
    }

    @Test
    void aGivenTypeWinsOverDetectionAndOptionalFieldsAreLeftOut() {
        run("exchange", "--url", url(), "--subject-token-file", jwtFile.toString(),
                "--subject-token-type", "access_token").ok();
        assertThat(received.get().form()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "grant_type", "urn:ietf:params:oauth:grant-type:token-exchange",
                "subject_token", JWT,
                "subject_token_type", "urn:ietf:params:oauth:token-type:access_token"));

        run("exchange", "--url", url(), "--subject-token-file", biscuitFile.toString()).ok();
        assertThat(received.get().form()).containsEntry("subject_token_type", "urn:warrant:params:oauth:token-type:biscuit");
    }

    @Test
    void aRefusalIsOneLineWithTheErrorAndReasonAndNeverAToken() {
        status = 400;
        answer = "{\"error\":\"invalid_grant\",\"error_description\":\"subject token expired: " + JWT
                + "\\nsecond line\",\"warrant_reason\":\"jwt_expired\"}";
        CliRun r = run("exchange", "--url", url(), "--subject-token-file", jwtFile.toString(),
                "--actor-token-file", biscuitFile.toString())
                .fails(1, "exchange refused (HTTP 400, invalid_grant, warrant_reason jwt_expired: subject token expired: [token])");
        assertThat(r.err()).doesNotContain(JWT).doesNotContain(BISCUIT).doesNotContain("second line");

        status = 400;
        answer = "{\"error\":\"invalid_scope\",\"error_description\":\"tool:mail:send is not held by the subject\"}";
        run("exchange", "--url", url(), "--subject-token-file", jwtFile.toString(), "--scope", "tool:mail:send")
                .fails(1, "(HTTP 400, invalid_scope: tool:mail:send is not held by the subject)");

        status = 502;
        answer = "<html>" + JWT + "</html>";
        r = run("exchange", "--url", url(), "--subject-token-file", jwtFile.toString()).fails(1, "exchange refused (HTTP 502)");
        assertThat(r.err()).doesNotContain(JWT);
    }

    @Test
    void anAnswerWithoutAnAccessTokenIsAFailure() {
        answer = "{\"token_type\":\"Bearer\"}";
        run("exchange", "--url", url(), "--subject-token-file", jwtFile.toString()).fails(1, "no access_token");
        answer = "not json";
        run("exchange", "--url", url(), "--subject-token-file", jwtFile.toString()).fails(1, "no access_token");
    }

    @Test
    void badInputIsExitTwoAndSendsNothing() throws IOException {
        Path garbage = Files.writeString(dir.resolve("garbage.token"), "not a token at all");
        Path empty = Files.writeString(dir.resolve("empty.token"), "\n");
        String jwt = jwtFile.toString();
        run("exchange", "--url", url()).fails(2, "--subject-token-file");
        run("exchange", "--url", url(), "--subject-token-file", dir.resolve("none").toString()).fails(2, "token file not found");
        run("exchange", "--url", url(), "--subject-token-file", empty.toString()).fails(2, "token file is empty");
        run("exchange", "--url", url(), "--subject-token-file", garbage.toString()).fails(2, "--subject-token-type");
        run("exchange", "--url", url(), "--subject-token-file", jwt, "--subject-token-type", "saml")
                .fails(2, "--subject-token-type must be one of jwt, access_token, biscuit");
        run("exchange", "--url", url(), "--subject-token-file", jwt, "--actor-token-type", "jwt")
                .fails(2, "--actor-token-type needs --actor-token-file");
        run("exchange", "--url", url(), "--subject-token-file", jwt, "--scope", "notes.read").fails(2, "--scope 'notes.read'");
        run("exchange", "--url", url(), "--subject-token-file", jwt, "--scope", "tool:notes:").fails(2, "--scope 'tool:notes:'");
        run("exchange", "--url", url(), "--subject-token-file", jwt, "--resource", "/mcp").fails(2, "--resource");
        run("exchange", "--url", "ftp://127.0.0.1", "--subject-token-file", jwt).fails(2, "--url");
        assertThat(received.get()).as("nothing reached the gateway").isNull();
    }

    @Test
    void anUnreachableGatewayIsOneLine() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        CliRun r = run("exchange", "--url", "http://127.0.0.1:" + port, "--subject-token-file", jwtFile.toString())
                .fails(1, "cannot reach");
        assertThat(r.err()).doesNotContain(JWT);
    }
}
