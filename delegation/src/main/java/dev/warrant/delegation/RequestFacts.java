package dev.warrant.delegation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The authorizer's facts for one request (docs/ARCHITECTURE.md §3.3): time, method, request(kind, server, name),
 * server, arg/arg_path per argument, risk and peer when known. Every value is untrusted and is only ever
 * passed to the authorizer as a string/integer/boolean term, never as Datalog text.
 */
public record RequestFacts(Instant time, String method, String kind, String server, String name,
                           List<Arg> args, List<Arg> argPaths, Optional<String> risk, Optional<String> peer) {
    public RequestFacts {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(name, "name");
        args = List.copyOf(args);
        argPaths = List.copyOf(argPaths);
        for (Arg p : argPaths) {
            if (!(p.value() instanceof String)) {
                throw new IllegalArgumentException("arg_path '" + p.key() + "' must be a String");
            }
        }
        Objects.requireNonNull(risk, "risk");
        Objects.requireNonNull(peer, "peer");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A tools/call of {@code server}/{@code tool} at {@code time}. */
    public static Builder toolCall(Instant time, String server, String tool) {
        return builder().time(time).method(Vocabulary.METHOD_TOOLS_CALL).request(Vocabulary.KIND_TOOL, server, tool);
    }

    public static final class Builder {
        private Instant time;
        private String method;
        private String kind;
        private String server;
        private String name;
        private final List<Arg> args = new ArrayList<>();
        private final List<Arg> argPaths = new ArrayList<>();
        private Optional<String> risk = Optional.empty();
        private Optional<String> peer = Optional.empty();

        private Builder() {}

        public Builder time(Instant time) {
            this.time = time;
            return this;
        }

        public Builder method(String method) {
            this.method = method;
            return this;
        }

        public Builder request(String kind, String server, String name) {
            this.kind = kind;
            this.server = server;
            this.name = name;
            return this;
        }

        public Builder arg(String key, String value) {
            args.add(new Arg(key, value));
            return this;
        }

        public Builder arg(String key, long value) {
            args.add(new Arg(key, value));
            return this;
        }

        public Builder arg(String key, boolean value) {
            args.add(new Arg(key, value));
            return this;
        }

        public Builder arg(Arg arg) {
            args.add(Objects.requireNonNull(arg, "arg"));
            return this;
        }

        public Builder argPath(String key, String path) {
            argPaths.add(new Arg(key, path));
            return this;
        }

        public Builder risk(String tier) {
            this.risk = Optional.of(tier);
            return this;
        }

        public Builder peer(String identity) {
            this.peer = Optional.of(identity);
            return this;
        }

        public RequestFacts build() {
            return new RequestFacts(time, method, kind, server, name, args, argPaths, risk, peer);
        }
    }
}
