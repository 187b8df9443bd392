package dev.warrant.otel;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.resources.Resource;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * A pull {@link MetricReader} that renders the current metrics in the Prometheus text exposition format
 * (version 0.0.4), for a {@code /metrics} route on the gateway's own HTTP server. (The OpenTelemetry
 * Prometheus exporter starts a server of its own on another port, and its artifact is not available here.)
 *
 * <p>Names follow the OpenTelemetry-to-Prometheus convention: dots become underscores, a unit of
 * {@code s} adds {@code _seconds}, counters end in {@code _total}; resource attributes appear once as
 * {@code target_info}. Cumulative temporality, as Prometheus expects.
 */
public final class PrometheusReader implements MetricReader {

    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private volatile CollectionRegistration registration = CollectionRegistration.noop();

    @Override
    public void register(CollectionRegistration registration) {
        this.registration = registration;
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
        return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public CompletableResultCode forceFlush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        registration = CollectionRegistration.noop();
        return CompletableResultCode.ofSuccess();
    }

    /** Collects now and renders the text format; empty when the meter provider is gone. */
    public String scrape() {
        return render(registration.collectAllMetrics());
    }

    static String render(Collection<MetricData> metrics) {
        StringBuilder out = new StringBuilder();
        Resource resource = null;
        for (MetricData metric : metrics) {
            resource = metric.getResource();
            writeMetric(out, metric);
        }
        if (resource != null) {
            out.append("# TYPE target_info gauge\n");
            out.append("target_info");
            labels(out, resource.getAttributes(), null, null);
            out.append(" 1\n");
        }
        return out.toString();
    }

    private static void writeMetric(StringBuilder out, MetricData metric) {
        String base = sanitize(metric.getName()) + unitSuffix(metric.getUnit());
        switch (metric.getType()) {
            case LONG_SUM -> {
                boolean counter = metric.getLongSumData().isMonotonic();
                String name = counter ? base + "_total" : base;
                header(out, name, counter ? "counter" : "gauge", metric.getDescription());
                for (LongPointData p : metric.getLongSumData().getPoints()) {
                    sample(out, name, p.getAttributes(), null, null, Long.toString(p.getValue()));
                }
            }
            case DOUBLE_SUM -> {
                boolean counter = metric.getDoubleSumData().isMonotonic();
                String name = counter ? base + "_total" : base;
                header(out, name, counter ? "counter" : "gauge", metric.getDescription());
                for (DoublePointData p : metric.getDoubleSumData().getPoints()) {
                    sample(out, name, p.getAttributes(), null, null, number(p.getValue()));
                }
            }
            case LONG_GAUGE -> {
                header(out, base, "gauge", metric.getDescription());
                for (LongPointData p : metric.getLongGaugeData().getPoints()) {
                    sample(out, base, p.getAttributes(), null, null, Long.toString(p.getValue()));
                }
            }
            case DOUBLE_GAUGE -> {
                header(out, base, "gauge", metric.getDescription());
                for (DoublePointData p : metric.getDoubleGaugeData().getPoints()) {
                    sample(out, base, p.getAttributes(), null, null, number(p.getValue()));
                }
            }
            case HISTOGRAM -> {
                header(out, base, "histogram", metric.getDescription());
                for (HistogramPointData p : metric.getHistogramData().getPoints()) {
                    writeHistogram(out, base, p);
                }
            }
            default -> {
                // Exponential histograms and summaries are not produced by Warrant's instruments.
            }
        }
    }

    private static void writeHistogram(StringBuilder out, String name, HistogramPointData p) {
        List<Double> bounds = p.getBoundaries();
        List<Long> counts = p.getCounts();
        long cumulative = 0;
        for (int i = 0; i < bounds.size(); i++) {
            cumulative += counts.get(i);
            sample(out, name + "_bucket", p.getAttributes(), "le", number(bounds.get(i)), Long.toString(cumulative));
        }
        sample(out, name + "_bucket", p.getAttributes(), "le", "+Inf", Long.toString(p.getCount()));
        sample(out, name + "_sum", p.getAttributes(), null, null, number(p.getSum()));
        sample(out, name + "_count", p.getAttributes(), null, null, Long.toString(p.getCount()));
    }

    private static void header(StringBuilder out, String name, String type, String help) {
        if (help != null && !help.isEmpty()) {
            out.append("# HELP ").append(name).append(' ')
                    .append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
        }
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder out, String name, Attributes attributes, String extraKey,
                               String extraValue, String value) {
        out.append(name);
        labels(out, attributes, extraKey, extraValue);
        out.append(' ').append(value).append('\n');
    }

    private static void labels(StringBuilder out, Attributes attributes, String extraKey, String extraValue) {
        List<String> pairs = new ArrayList<>();
        attributes.forEach((AttributeKey<?> key, Object value) ->
                pairs.add(sanitize(key.getKey()) + "=\"" + escape(labelValue(value)) + "\""));
        if (extraKey != null) {
            pairs.add(extraKey + "=\"" + escape(extraValue) + "\"");
        }
        if (!pairs.isEmpty()) {
            out.append('{').append(String.join(",", pairs)).append('}');
        }
    }

    private static String labelValue(Object value) {
        return value instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList())
                : String.valueOf(value);
    }

    static String sanitize(String name) {
        StringBuilder s = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':'
                    || (i > 0 && c >= '0' && c <= '9');
            s.append(ok ? c : '_');
        }
        return s.toString();
    }

    private static String unitSuffix(String unit) {
        if (unit == null || unit.isEmpty() || unit.startsWith("{")) {
            return "";
        }
        return switch (unit) {
            case "s" -> "_seconds";
            case "ms" -> "_milliseconds";
            case "By" -> "_bytes";
            case "1" -> "_ratio";
            default -> "_" + sanitize(unit.toLowerCase(Locale.ROOT));
        };
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String number(double v) {
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (Double.isNaN(v)) {
            return "NaN";
        }
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
