package dev.warrant.delegation.interop;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Biscuit reference implementation (Rust, as wasm: {@code @biscuit-auth/biscuit-wasm}), driven through
 * {@code node-tools/interop/biscuit-wasm.mjs}: one node process per call, a JSON request on stdin, a JSON answer
 * on stdout. Gson comes with biscuit-java, so the delegation module needs no extra test dependency.
 */
final class BiscuitWasm {
    private static final long TIMEOUT_SECONDS = 15;

    private BiscuitWasm() {}

    /** One authorization the reference runs against the token: authorizer code (request facts + policies). */
    record Authorization(String name, String code) {}

    /** The reference's answer; {@code verified == false} carries its error, everything else is then empty. */
    record Answer(boolean verified, String error, int blocks, List<String> revocationIds, List<String> blockSources,
                  List<String> authorityFacts, Map<String, Boolean> allowed, Map<String, String> denials,
                  Optional<Answer> attenuated, String token) {}

    static Answer run(String token, String rootPublicKeyHex, List<Authorization> authorizations, String append)
            throws IOException, InterruptedException {
        JsonObject request = new JsonObject();
        request.addProperty("token", token);
        request.addProperty("rootPublicKey", rootPublicKeyHex);
        JsonArray auths = new JsonArray();
        for (Authorization a : authorizations) {
            JsonObject o = new JsonObject();
            o.addProperty("name", a.name());
            o.addProperty("code", a.code());
            auths.add(o);
        }
        request.add("authorize", auths);
        if (append != null) {
            request.addProperty("append", append);
        }
        return parse(JsonParser.parseString(exec(request.toString())).getAsJsonObject(), token);
    }

    private static String exec(String requestJson) throws IOException, InterruptedException {
        Path tools = nodeTools();
        Path script = tools.resolve("interop/biscuit-wasm.mjs");
        if (!Files.isDirectory(tools.resolve("node_modules/@biscuit-auth/biscuit-wasm"))) {
            throw new IllegalStateException("@biscuit-auth/biscuit-wasm missing: run 'npm ci' in " + tools);
        }
        Process p = new ProcessBuilder(node(), "--experimental-wasm-modules", "--no-warnings", script.toString())
                .directory(tools.toFile()).start();
        CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> readAll(p, false));
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readAll(p, true));
        try (OutputStream in = p.getOutputStream()) {
            in.write(requestJson.getBytes(StandardCharsets.UTF_8));
        }
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("biscuit-wasm script did not finish within " + TIMEOUT_SECONDS + " s");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("biscuit-wasm script exited " + p.exitValue() + ": "
                    + output(stderr).strip());
        }
        return output(stdout);
    }

    /** What the script wrote, read to its end; bounded, as a grandchild could hold the pipe open. */
    private static String output(CompletableFuture<String> stream) throws InterruptedException {
        try {
            return stream.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("biscuit-wasm output not read", e);
        }
    }

    private static String readAll(Process p, boolean error) {
        try {
            return new String((error ? p.getErrorStream() : p.getInputStream()).readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static Answer parse(JsonObject o, String token) {
        if (!o.get("verified").getAsBoolean()) {
            return new Answer(false, o.get("error").getAsString(), 0, List.of(), List.of(), List.of(), Map.of(),
                    Map.of(), Optional.empty(), token);
        }
        Map<String, Boolean> allowed = new LinkedHashMap<>();
        Map<String, String> denials = new LinkedHashMap<>();
        if (o.has("authorizations")) {
            for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("authorizations").entrySet()) {
                JsonObject r = e.getValue().getAsJsonObject();
                allowed.put(e.getKey(), r.get("allowed").getAsBoolean());
                if (r.has("error")) {
                    denials.put(e.getKey(), r.get("error").getAsString());
                }
            }
        }
        Optional<Answer> attenuated = o.has("attenuated")
                ? Optional.of(parse(withVerified(o.getAsJsonObject("attenuated")), o.getAsJsonObject("attenuated").get("token").getAsString()))
                : Optional.empty();
        return new Answer(true, "", o.get("blocks").getAsInt(), strings(o, "revocationIds"), strings(o, "blockSources"),
                strings(o, "authorityFacts"), allowed, denials, attenuated, token);
    }

    private static JsonObject withVerified(JsonObject o) {
        JsonObject copy = o.deepCopy();
        copy.addProperty("verified", true);
        return copy;
    }

    private static List<String> strings(JsonObject o, String name) {
        List<String> out = new ArrayList<>();
        if (o.has(name)) {
            o.getAsJsonArray(name).forEach(e -> out.add(e.getAsString()));
        }
        return List.copyOf(out);
    }

    static Path nodeTools() {
        return Path.of(System.getProperty("warrant.nodeTools", "../node-tools")).toAbsolutePath().normalize();
    }

    /** node from PATH, as an absolute path. */
    static String node() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "node");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException("node not found on PATH");
    }
}
