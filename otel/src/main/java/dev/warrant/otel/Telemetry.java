package dev.warrant.otel;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.resources.Resource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Owns the OpenTelemetry instance of one gateway process: the tracer, Warrant's metric instruments, the
 * Prometheus view of them, and the logger audit records are exported through when a logs exporter is set.
 *
 * <p>Exporters are chosen by the standard {@code OTEL_*} environment variables and system properties
 * (autoconfigure). Unlike the SDK's own defaults, Warrant exports nothing unless told to: an operator who
 * sets no variable gets no surprise network traffic to localhost:4318. {@code /metrics} works whatever the
 * exporters are, because the Prometheus reader is always registered.
 */
public final class Telemetry implements AutoCloseable {

    public static final String INSTRUMENTATION_SCOPE = "dev.warrant";
    static final AttributeKey<String> SERVICE_INSTANCE_ID = AttributeKey.stringKey("service.instance.id");
    private static final String SERVICE_INSTANCE_ID_PROVIDER =
            "io.opentelemetry.sdk.autoconfigure.ServiceInstanceIdResourceProvider";

    private final OpenTelemetry openTelemetry;
    private final OpenTelemetrySdk sdkToClose;
    private final Tracer tracer;
    private final WarrantMetrics metrics;
    private final PrometheusReader prometheus;
    /** Absent when no logs exporter is configured: then nothing is built per record at all. */
    private final Optional<Logger> logger;

    private Telemetry(OpenTelemetry openTelemetry, OpenTelemetrySdk sdkToClose, PrometheusReader prometheus,
                      boolean logsExported) {
        this.openTelemetry = openTelemetry;
        this.sdkToClose = sdkToClose;
        this.tracer = openTelemetry.getTracer(INSTRUMENTATION_SCOPE);
        this.metrics = new WarrantMetrics(openTelemetry.getMeter(INSTRUMENTATION_SCOPE));
        this.prometheus = prometheus;
        this.logger = logsExported ? Optional.of(openTelemetry.getLogsBridge().get(INSTRUMENTATION_SCOPE))
                : Optional.empty();
    }

    /**
     * Configures the SDK from {@code OTEL_*} variables with Warrant's defaults underneath them.
     *
     * @param instanceId the cluster member id, exported as {@code service.instance.id}
     */
    public static Telemetry autoConfigured(String instanceId) {
        return autoConfigured(instanceId, Map.of());
    }

    /**
     * As {@link #autoConfigured(String)}, with {@code otel.*} properties that take precedence over the
     * environment: for tests and embedders that must not touch the process environment.
     */
    public static Telemetry autoConfigured(String instanceId, Map<String, String> overrides) {
        Map<String, String> defaults = new HashMap<>();
        defaults.put("otel.traces.exporter", "none");
        defaults.put("otel.metrics.exporter", "none");
        defaults.put("otel.logs.exporter", "none");
        defaults.put("otel.service.name", "warrant");
        // Its random service.instance.id is replaced by the member id below; left on, the SDK warns at every start.
        defaults.put("otel.java.disabled.resource.providers", SERVICE_INSTANCE_ID_PROVIDER);
        PrometheusReader prometheus = new PrometheusReader();
        AtomicBoolean logsExported = new AtomicBoolean();
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> defaults)
                .addPropertiesCustomizer(config -> overrides)
                .addPropertiesCustomizer(Telemetry::refusePrometheusServer)
                // The member id wins over OTEL_RESOURCE_ATTRIBUTES: it is what joins spans to cluster logs.
                .addResourceCustomizer((resource, config) -> resource.merge(
                        Resource.create(Attributes.of(SERVICE_INSTANCE_ID, instanceId))))
                .addTracerProviderCustomizer((builder, config) -> builder.addSpanProcessor(TraceIdsOnly.INSTANCE))
                .addMeterProviderCustomizer((builder, config) -> builder.registerMetricReader(prometheus))
                // Called with the final configuration (not at all when otel.sdk.disabled): is any exporter set?
                .addLoggerProviderCustomizer((builder, config) -> {
                    List<String> exporters = config.getList("otel.logs.exporter");
                    logsExported.set(!exporters.isEmpty() && !exporters.equals(List.of("none")));
                    return builder;
                })
                .disableShutdownHook()
                .build()
                .getOpenTelemetrySdk();
        return new Telemetry(sdk, sdk, prometheus, logsExported.get());
    }

    /**
     * The exporter's own Prometheus HTTP server is not shipped (the gateway serves {@code GET /metrics}); without
     * this check, asking for it would fail with a missing class instead of saying so.
     */
    private static Map<String, String> refusePrometheusServer(ConfigProperties config) {
        if (config.getList("otel.metrics.exporter").contains("prometheus")) {
            throw new ConfigurationException("otel.metrics.exporter=prometheus is not supported: Warrant serves the "
                    + "metrics in Prometheus format at GET /metrics on the agent port");
        }
        return Map.of();
    }

    /**
     * Wraps an instance the caller owns (tests hand in an SDK with an in-memory exporter). Its logger is present:
     * the instance's own logger provider decides what becomes of the audit records.
     */
    public static Telemetry of(OpenTelemetry openTelemetry) {
        return new Telemetry(openTelemetry, null, null, true);
    }

    /** As {@link #of(OpenTelemetry)}, with the reader the caller registered on its meter provider. */
    public static Telemetry of(OpenTelemetry openTelemetry, PrometheusReader prometheus) {
        return new Telemetry(openTelemetry, null, prometheus, true);
    }

    /** Records nothing; for tools (CLI) that never serve requests. */
    public static Telemetry noop() {
        return new Telemetry(OpenTelemetry.noop(), null, null, false);
    }

    public OpenTelemetry openTelemetry() {
        return openTelemetry;
    }

    public Tracer tracer() {
        return tracer;
    }

    public WarrantMetrics metrics() {
        return metrics;
    }

    /**
     * The logger for audit records ({@link McpAttributes#AUDIT_EVENT_NAME}), present when a logs exporter is set
     * ({@code OTEL_LOGS_EXPORTER}, default none). Its provider's batch processor only queues on emit.
     */
    public Optional<Logger> logger() {
        return logger;
    }

    public TextMapPropagator propagator() {
        return openTelemetry.getPropagators().getTextMapPropagator();
    }

    /** The current metrics in Prometheus text format (empty when this telemetry has no reader). */
    public String prometheusText() {
        return prometheus == null ? "" : prometheus.scrape();
    }

    @Override
    public void close() {
        if (sdkToClose != null) {
            sdkToClose.close();
        }
    }
}
