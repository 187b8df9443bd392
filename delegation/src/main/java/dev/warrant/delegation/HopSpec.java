package dev.warrant.delegation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One attenuation block: who receives the token (or nobody, for a self-attenuation) and how it is narrowed.
 *
 * <p>Allow-list semantics: if the hop lists any tools, resources or prompts, the delegatee may do exactly
 * what is listed and nothing else (a hop listing tools but no resources denies all resources). A hop that
 * lists nothing keeps the parent's rights. Argument constraints REQUIRE the argument on every call
 * ({@code check all} is not vacuous); lists are exempt through {@code or method("tools/list")}.
 */
public record HopSpec(Optional<String> delegateTo, List<Allow> allows, List<ArgConstraint> argConstraints,
                      Optional<Duration> ttl, Optional<String> peer, Optional<String> trace) {

    /** Allowed names of one kind on one server; {@code ["*"]} = any name. For resources, names are URI prefixes. */
    public record Allow(String kind, String server, List<String> names) {
        public Allow {
            Names.requireName(kind, "kind");
            Names.requireName(server, "server");
            names = List.copyOf(names);
            if (names.isEmpty()) {
                throw new IllegalArgumentException("list at least one name (or \"*\") for " + kind + "s on " + server);
            }
            for (String n : names) {
                Names.requireName(n, kind + " name");
            }
        }

        public boolean anyName() {
            return names.contains(Vocabulary.ANY);
        }
    }

    /** A constraint on one argument of every call. */
    public sealed interface ArgConstraint permits PathPrefix, ArgEquals, ArgRange {
        String key();
    }

    /** {@code check all arg_path(key, $p), $p.starts_with(prefix) or method("tools/list")}. */
    public record PathPrefix(String key, String prefix) implements ArgConstraint {
        public PathPrefix {
            Names.requireArgKey(key);
            Objects.requireNonNull(prefix, "prefix");
            if (prefix.isEmpty()) {
                throw new IllegalArgumentException("path prefix for '" + key + "' must not be empty");
            }
        }
    }

    /** {@code check all arg(key, $v), $v == value or method("tools/list")}; value is a String or a Long. */
    public record ArgEquals(String key, Object value) implements ArgConstraint {
        public ArgEquals {
            Names.requireArgKey(key);
            Objects.requireNonNull(value, "value");
            if (!(value instanceof String) && !(value instanceof Long)) {
                throw new IllegalArgumentException("argument value must be a String or a Long");
            }
        }
    }

    /** {@code check all arg(key, $v), $v >= min, $v <= max or method("tools/list")}. */
    public record ArgRange(String key, long min, long max) implements ArgConstraint {
        public ArgRange {
            Names.requireArgKey(key);
            if (min > max) {
                throw new IllegalArgumentException("range for '" + key + "' is empty: " + min + " > " + max);
            }
        }
    }

    public HopSpec {
        Objects.requireNonNull(delegateTo, "delegateTo");
        delegateTo.ifPresent(to -> Names.requireName(to, "delegatee"));
        allows = List.copyOf(allows);
        argConstraints = List.copyOf(argConstraints);
        Objects.requireNonNull(ttl, "ttl");
        ttl.ifPresent(t -> {
            if (t.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("hop ttl must be at least one second, got " + t);
            }
        });
        Objects.requireNonNull(peer, "peer");
        peer.ifPresent(p -> Names.requireName(p, "peer"));
        Objects.requireNonNull(trace, "trace");
        trace.ifPresent(t -> {
            if (!t.matches("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}")) {
                throw new IllegalArgumentException("trace must be a W3C traceparent (00-<32 hex>-<16 hex>-<2 hex>)");
            }
        });
    }

    public boolean isSelfAttenuation() {
        return delegateTo.isEmpty();
    }

    /** A hop handing the token to {@code agent}. */
    public static Builder delegateTo(String agent) {
        return new Builder(Optional.of(Names.requireName(agent, "delegatee")));
    }

    /** A hop narrowing the holder's own token; identity is unchanged. */
    public static Builder selfAttenuation() {
        return new Builder(Optional.empty());
    }

    public static final class Builder {
        private final Optional<String> to;
        private final Map<List<String>, Set<String>> allows = new LinkedHashMap<>();
        private final List<ArgConstraint> constraints = new ArrayList<>();
        private Optional<Duration> ttl = Optional.empty();
        private Optional<String> peer = Optional.empty();
        private Optional<String> trace = Optional.empty();

        private Builder(Optional<String> to) {
            this.to = to;
        }

        /** Tools the delegatee may call on {@code server}; "*" = any tool of that server. */
        public Builder tools(String server, String... names) {
            return allow(Vocabulary.KIND_TOOL, server, names);
        }

        /** Resource URI prefixes the delegatee may read on {@code server}; "*" = any resource. */
        public Builder resources(String server, String... uriPrefixes) {
            return allow(Vocabulary.KIND_RESOURCE, server, uriPrefixes);
        }

        /** Prompts the delegatee may get on {@code server}; "*" = any prompt. */
        public Builder prompts(String server, String... names) {
            return allow(Vocabulary.KIND_PROMPT, server, names);
        }

        private Builder allow(String kind, String server, String... names) {
            Objects.requireNonNull(names, "names");
            // Validate eagerly so the error points at this call.
            Allow validated = new Allow(kind, server, List.of(names));
            allows.computeIfAbsent(List.of(kind, server), k -> new LinkedHashSet<>()).addAll(validated.names());
            return this;
        }

        public Builder argPathPrefix(String argKey, String prefix) {
            constraints.add(new PathPrefix(argKey, prefix));
            return this;
        }

        public Builder argEquals(String key, String value) {
            constraints.add(new ArgEquals(key, value));
            return this;
        }

        public Builder argEquals(String key, long value) {
            constraints.add(new ArgEquals(key, value));
            return this;
        }

        public Builder argRange(String key, long min, long max) {
            constraints.add(new ArgRange(key, min, max));
            return this;
        }

        /** The hop expires {@code ttl} after the moment of attenuation. */
        public Builder ttl(Duration ttl) {
            this.ttl = Optional.of(ttl);
            return this;
        }

        public Builder peer(String peer) {
            this.peer = Optional.of(peer);
            return this;
        }

        /** The delegator's W3C traceparent, so the trace spans the chain. */
        public Builder trace(String traceparent) {
            this.trace = Optional.of(traceparent);
            return this;
        }

        public HopSpec build() {
            List<Allow> list = new ArrayList<>();
            allows.forEach((k, names) -> list.add(new Allow(k.get(0), k.get(1), List.copyOf(names))));
            return new HopSpec(to, list, constraints, ttl, peer, trace);
        }
    }
}
