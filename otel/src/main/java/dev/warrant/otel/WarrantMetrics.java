package dev.warrant.otel;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Warrant's instruments (docs/OBSERVABILITY.md, "Metrics"). Attribute sets are kept to bounded values: method names, decisions,
 * reason codes, upstream and catalog tool names — never the tool name an agent typed (an unknown tool
 * name is attacker-chosen and would grow the series without bound).
 */
public final class WarrantMetrics {

    /** The MCP semantic conventions' advice for operation durations, in seconds. */
    static final List<Double> OPERATION_BUCKETS =
            List.of(0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0);
    /** A cached authorization costs ~60 us; a first verification ~1 ms. */
    static final List<Double> AUTHORIZATION_BUCKETS =
            List.of(0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01);

    private final Meter meter;
    private final DoubleHistogram serverDuration;
    private final DoubleHistogram clientDuration;
    private final DoubleHistogram authorizationDuration;
    private final LongCounter decisions;
    private final LongCounter upstreamErrors;
    private final AttributeSets attributes = new AttributeSets();

    WarrantMetrics(Meter meter) {
        this.meter = meter;
        serverDuration = meter.histogramBuilder("mcp.server.operation.duration").setUnit("s")
                .setDescription("Duration of MCP requests served by the gateway")
                .setExplicitBucketBoundariesAdvice(OPERATION_BUCKETS).build();
        clientDuration = meter.histogramBuilder("mcp.client.operation.duration").setUnit("s")
                .setDescription("Duration of MCP requests the gateway sent to upstream servers")
                .setExplicitBucketBoundariesAdvice(OPERATION_BUCKETS).build();
        authorizationDuration = meter.histogramBuilder("warrant.authorization.duration").setUnit("s")
                .setDescription("Time spent deciding one operation against the token and policies")
                .setExplicitBucketBoundariesAdvice(AUTHORIZATION_BUCKETS).build();
        decisions = meter.counterBuilder("warrant.decisions").setUnit("{decision}")
                .setDescription("Requests decided, by decision and reason code").build();
        upstreamErrors = meter.counterBuilder("warrant.upstream.errors").setUnit("{error}")
                .setDescription("Upstream calls that failed, by upstream and error type").build();
    }

    /** One served request: {@code errorType} null when it succeeded. */
    public void serverOperation(String method, String decision, String errorType, double seconds) {
        serverDuration.record(seconds, attributes.get(new Key("server", method, decision, errorType, null), k -> {
            AttributesBuilder a = Attributes.builder().put(McpAttributes.MCP_METHOD_NAME, method);
            putIfPresent(a, McpAttributes.WARRANT_DECISION, decision);
            putIfPresent(a, McpAttributes.ERROR_TYPE, errorType);
            return a.build();
        }));
    }

    /** One upstream call: {@code tool} is the catalog's (upstream) tool name. */
    public void clientOperation(String method, String upstream, String tool, String errorType, double seconds) {
        clientDuration.record(seconds, attributes.get(new Key("client", method, upstream, tool, errorType), k -> {
            AttributesBuilder a = Attributes.builder().put(McpAttributes.MCP_METHOD_NAME, method)
                    .put(McpAttributes.WARRANT_UPSTREAM, upstream);
            putIfPresent(a, McpAttributes.GEN_AI_TOOL_NAME, tool);
            putIfPresent(a, McpAttributes.ERROR_TYPE, errorType);
            return a.build();
        }));
        if (errorType != null) {
            upstreamErrors.add(1, Attributes.of(McpAttributes.WARRANT_UPSTREAM, upstream,
                    McpAttributes.ERROR_TYPE, errorType));
        }
    }

    public void decision(String decision, String reason) {
        decisions.add(1, attributes.get(new Key("decision", decision, reason, null, null), k -> Attributes.of(
                McpAttributes.WARRANT_DECISION, decision, McpAttributes.WARRANT_REASON, reason)));
    }

    public void authorization(String decision, double seconds) {
        authorizationDuration.record(seconds, attributes.get(new Key("authorization", decision, null, null, null),
                k -> Attributes.of(McpAttributes.WARRANT_DECISION, decision)));
    }

    /**
     * Reports the revocation ids in force on this member, read at each collection (the cluster's set only
     * grows while its entries live, so this is the count of revocations the member enforces).
     */
    public void observeRevocations(LongSupplier inForce) {
        meter.upDownCounterBuilder("warrant.revocations").setUnit("{revocation}")
                .setDescription("Revocation ids in force on this member")
                .buildWithCallback(m -> m.record(inForce.getAsLong()));
    }

    /** The values of one attribute set, by instrument; null stands for an attribute left out. */
    private record Key(String instrument, String a, String b, String c, String d) {
    }

    /**
     * Attribute sets already built, by their values: building one sorts and copies its entries, four times per
     * call (docs/PERFORMANCE-HISTORY.md). The
     * values are bounded (see the class comment), and the cache stops growing at {@link #MAX} sets anyway.
     */
    private static final class AttributeSets {

        static final int MAX = 4096;
        private final Map<Key, Attributes> built = new ConcurrentHashMap<>();

        Attributes get(Key key, Function<Key, Attributes> build) {
            Attributes known = built.get(key);
            if (known != null) {
                return known;
            }
            Attributes made = build.apply(key);
            if (built.size() < MAX) {
                built.putIfAbsent(key, made);
            }
            return made;
        }
    }

    private static void putIfPresent(AttributesBuilder a, AttributeKey<String> key, String value) {
        if (value != null) {
            a.put(key, value);
        }
    }
}
