package dev.warrant.gateway.otel;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * A minimal OTLP/HTTP collector on 127.0.0.1: accepts {@code POST /v1/traces} and {@code POST /v1/logs} with a
 * protobuf {@code ExportTraceServiceRequest} / {@code ExportLogsServiceRequest} (gzip or not), decodes them with
 * the official opentelemetry-proto classes, and keeps the spans and log records for assertions.
 */
final class OtlpReceiver implements AutoCloseable {

    /** One received span, flattened for assertions and rendering. */
    record ReceivedSpan(String traceId, String spanId, String parentSpanId, String name, String kind,
                        long startNanos, long endNanos, Map<String, Object> attributes, List<String> links,
                        Map<String, Object> resource, boolean error) {

        String attr(String key) {
            Object v = attributes.get(key);
            return v == null ? null : String.valueOf(v);
        }
    }

    /**
     * One received log record, flattened. {@code eventName} is OTLP's {@code LogRecord.event_name} (field 12),
     * newer than the proto classes used here, so read from the unknown fields; null when absent.
     */
    record ReceivedLog(String traceId, String spanId, long timeUnixNano, int severityNumber, String severityText,
                       String body, String eventName, String scope, Map<String, Object> attributes,
                       Map<String, Object> resource) {

        String attr(String key) {
            Object v = attributes.get(key);
            return v == null ? null : String.valueOf(v);
        }
    }

    /** LogRecord.event_name in OTLP 1.5+. */
    private static final int EVENT_NAME_FIELD = 12;

    private final HttpServer server;
    private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
    private final List<ReceivedLog> logs = new CopyOnWriteArrayList<>();
    private final List<String> contentTypes = new CopyOnWriteArrayList<>();

    OtlpReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/traces", http -> receive(http, ExportTraceServiceResponse.getDefaultInstance(),
                body -> spans.addAll(decode(ExportTraceServiceRequest.parseFrom(body)))));
        server.createContext("/v1/logs", http -> receive(http, ExportLogsServiceResponse.getDefaultInstance(),
                body -> logs.addAll(decode(ExportLogsServiceRequest.parseFrom(body)))));
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    List<ReceivedSpan> spans() {
        return List.copyOf(spans);
    }

    List<ReceivedLog> logs() {
        return List.copyOf(logs);
    }

    List<String> contentTypes() {
        return List.copyOf(contentTypes);
    }

    void clear() {
        spans.clear();
    }

    /** What one signal's endpoint does with a request body it decoded. */
    private interface Decoder {
        void accept(byte[] body) throws IOException;
    }

    private void receive(HttpExchange http, Message response, Decoder decoder) throws IOException {
        try (http) {
            if (!"POST".equals(http.getRequestMethod())) {
                http.sendResponseHeaders(405, -1);
                return;
            }
            contentTypes.add(http.getRequestHeaders().getFirst("Content-Type"));
            InputStream body = http.getRequestBody();
            if ("gzip".equalsIgnoreCase(http.getRequestHeaders().getFirst("Content-Encoding"))) {
                body = new GZIPInputStream(body);
            }
            decoder.accept(body.readAllBytes());
            byte[] ok = response.toByteArray();
            http.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            http.sendResponseHeaders(200, ok.length == 0 ? -1 : ok.length);
            if (ok.length > 0) {
                http.getResponseBody().write(ok);
            }
        }
    }

    /** The spans of one export, flattened; shared with {@link OtlpGrpcReceiver}. */
    static List<ReceivedSpan> decode(ExportTraceServiceRequest request) {
        List<ReceivedSpan> out = new ArrayList<>();
        for (ResourceSpans rs : request.getResourceSpansList()) {
            Map<String, Object> resource = attributes(rs.getResource());
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (io.opentelemetry.proto.trace.v1.Span s : ss.getSpansList()) {
                    out.add(toSpan(s, resource));
                }
            }
        }
        return out;
    }

    /** The log records of one export, flattened; shared with {@link OtlpGrpcReceiver}. */
    static List<ReceivedLog> decode(ExportLogsServiceRequest request) {
        HexFormat hex = HexFormat.of();
        List<ReceivedLog> out = new ArrayList<>();
        for (ResourceLogs rl : request.getResourceLogsList()) {
            Map<String, Object> resource = attributes(rl.getResource());
            for (ScopeLogs sl : rl.getScopeLogsList()) {
                for (LogRecord r : sl.getLogRecordsList()) {
                    Map<String, Object> attrs = new LinkedHashMap<>();
                    for (KeyValue kv : r.getAttributesList()) {
                        attrs.put(kv.getKey(), value(kv.getValue()));
                    }
                    List<com.google.protobuf.ByteString> eventName = r.getUnknownFields().hasField(EVENT_NAME_FIELD)
                            ? r.getUnknownFields().getField(EVENT_NAME_FIELD).getLengthDelimitedList() : List.of();
                    out.add(new ReceivedLog(
                            r.getTraceId().isEmpty() ? null : hex.formatHex(r.getTraceId().toByteArray()),
                            r.getSpanId().isEmpty() ? null : hex.formatHex(r.getSpanId().toByteArray()),
                            r.getTimeUnixNano(), r.getSeverityNumberValue(), r.getSeverityText(),
                            r.hasBody() ? String.valueOf(value(r.getBody())) : null,
                            eventName.isEmpty() ? null : eventName.get(0).toStringUtf8(),
                            sl.getScope().getName(), attrs, resource));
                }
            }
        }
        return out;
    }

    private static ReceivedSpan toSpan(io.opentelemetry.proto.trace.v1.Span s, Map<String, Object> resource) {
        HexFormat hex = HexFormat.of();
        Map<String, Object> attrs = new LinkedHashMap<>();
        for (KeyValue kv : s.getAttributesList()) {
            attrs.put(kv.getKey(), value(kv.getValue()));
        }
        List<String> links = new ArrayList<>();
        for (io.opentelemetry.proto.trace.v1.Span.Link link : s.getLinksList()) {
            links.add(hex.formatHex(link.getTraceId().toByteArray()) + "-" + hex.formatHex(link.getSpanId().toByteArray()));
        }
        return new ReceivedSpan(hex.formatHex(s.getTraceId().toByteArray()), hex.formatHex(s.getSpanId().toByteArray()),
                s.getParentSpanId().isEmpty() ? null : hex.formatHex(s.getParentSpanId().toByteArray()),
                s.getName(), s.getKind().name().replace("SPAN_KIND_", ""), s.getStartTimeUnixNano(),
                s.getEndTimeUnixNano(), attrs, links, resource,
                s.getStatus().getCode() == io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR);
    }

    private static Map<String, Object> attributes(Resource resource) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (KeyValue kv : resource.getAttributesList()) {
            out.put(kv.getKey(), value(kv.getValue()));
        }
        return out;
    }

    private static Object value(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case INT_VALUE -> v.getIntValue();
            case BOOL_VALUE -> v.getBoolValue();
            case DOUBLE_VALUE -> v.getDoubleValue();
            case ARRAY_VALUE -> v.getArrayValue().getValuesList().stream().map(OtlpReceiver::value).toList();
            default -> v.toString();
        };
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
