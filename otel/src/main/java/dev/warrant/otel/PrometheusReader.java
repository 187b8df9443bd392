package dev.warrant.otel;

import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The metrics in the Prometheus text format (0.0.4), for the {@code /metrics} route of the gateway's own HTTP
 * server: OpenTelemetry's {@link PrometheusMetricReader} translates them (names, units, {@code _total},
 * {@code target_info}) and Prometheus' text writer renders them; the exporter's own HTTP server is left out.
 * Scope labels are off, so a series is named by its instrument attributes only.
 */
public final class PrometheusReader implements MetricReader {

    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();

    private final PrometheusMetricReader reader = PrometheusMetricReader.builder()
            .setOtelScopeLabelsEnabled(false)
            .build();

    @Override
    public void register(CollectionRegistration registration) {
        reader.register(registration);
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
        return reader.getAggregationTemporality(instrumentType);
    }

    @Override
    public CompletableResultCode forceFlush() {
        return reader.forceFlush();
    }

    @Override
    public CompletableResultCode shutdown() {
        return reader.shutdown();
    }

    /** Collects now and renders the text format; empty when nothing was recorded or the provider is gone. */
    public String scrape() {
        MetricSnapshots snapshots = reader.collect();
        if (snapshots.size() == 0) {
            return "";
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            WRITER.write(out, snapshots, EscapingScheme.UNDERSCORE_ESCAPING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot happen: writing to memory", e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
