package dev.warrant.gateway.otel;

import dev.warrant.gateway.otel.OtlpReceiver.ReceivedLog;
import dev.warrant.gateway.otel.OtlpReceiver.ReceivedSpan;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * A minimal OTLP/gRPC collector on 127.0.0.1: a cleartext HTTP/2 server (prior knowledge, as gRPC clients
 * connect to an {@code http://} endpoint) that serves the unary
 * {@code opentelemetry.proto.collector.trace.v1.TraceService/Export} and {@code ...logs.v1.LogsService/Export}:
 * one length-prefixed gRPC message in, decoded with the official opentelemetry-proto classes, one empty response
 * message and {@code grpc-status: 0} trailers out. Written by hand on Vert.x so the test depends on no gRPC library:
 * the bytes it accepts are exactly what the SDK's exporter sends.
 */
final class OtlpGrpcReceiver implements AutoCloseable {

    static final String EXPORT_PATH = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
    static final String LOGS_EXPORT_PATH = "/opentelemetry.proto.collector.logs.v1.LogsService/Export";

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
    private final List<ReceivedLog> logs = new CopyOnWriteArrayList<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    OtlpGrpcReceiver() throws Exception {
        server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
                        .setHttp2ClearTextEnabled(true))
                .requestHandler(this::handle)
                .listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.actualPort());
    }

    List<ReceivedSpan> spans() {
        return List.copyOf(spans);
    }

    List<ReceivedLog> logs() {
        return List.copyOf(logs);
    }

    /** "HTTP version, method, path, content-type, te" of every request, to assert it really was gRPC. */
    List<String> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpServerRequest req) {
        requests.add(req.version() + " " + req.method() + " " + req.path() + " " + req.getHeader("content-type")
                + " " + req.getHeader("te"));
        boolean traces = EXPORT_PATH.equals(req.path());
        if (req.version() != HttpVersion.HTTP_2 || !(traces || LOGS_EXPORT_PATH.equals(req.path()))) {
            req.response().setStatusCode(404).end();
            return;
        }
        req.body().onComplete(body -> {
            if (body.failed()) {
                reply(req, 13, "body: " + body.cause());
                return;
            }
            try {
                byte[] message = message(body.result(), req.getHeader("grpc-encoding"));
                if (traces) {
                    spans.addAll(OtlpReceiver.decode(ExportTraceServiceRequest.parseFrom(message)));
                } else {
                    logs.addAll(OtlpReceiver.decode(ExportLogsServiceRequest.parseFrom(message)));
                }
                reply(req, 0, null);
            } catch (IOException | RuntimeException e) {
                reply(req, 3, e.toString()); // INVALID_ARGUMENT: the test then sees no spans and fails
            }
        });
    }

    /** The one message of a unary call: 1 byte compressed flag, 4 bytes big-endian length, then the message. */
    private static byte[] message(Buffer frame, String encoding) throws IOException {
        if (frame.length() < 5) {
            throw new IOException("gRPC frame shorter than its 5-byte prefix");
        }
        boolean compressed = frame.getByte(0) == 1;
        int length = frame.getInt(1);
        if (frame.length() != 5 + length) {
            throw new IOException("gRPC frame length " + length + " but " + (frame.length() - 5) + " bytes follow");
        }
        byte[] bytes = frame.getBytes(5, 5 + length);
        if (!compressed) {
            return bytes;
        }
        if (!"gzip".equals(encoding)) {
            throw new IOException("compressed gRPC message with grpc-encoding " + encoding);
        }
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        }
    }

    private static void reply(HttpServerRequest req, int grpcStatus, String message) {
        // Empty, so the same bytes for either service's response.
        byte[] response = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
        Buffer frame = Buffer.buffer().appendByte((byte) 0).appendInt(response.length).appendBytes(response);
        req.response().setStatusCode(200).putHeader("content-type", "application/grpc");
        req.response().putTrailer("grpc-status", Integer.toString(grpcStatus));
        if (message != null) {
            req.response().putTrailer("grpc-message", message.replaceAll("[^ -~]", "?"));
        }
        req.response().end(grpcStatus == 0 ? frame : Buffer.buffer());
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
