package dev.warrant.gateway;

import dev.warrant.adapters.HttpUpstreamSpec;
import dev.warrant.delegation.KeyFiles;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.SigningKey;
import dev.warrant.gateway.config.GatewayConfig;
import dev.warrant.gateway.demo.NotesServer;
import dev.warrant.otel.Telemetry;
import dev.warrant.policies.RiskTier;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * A real gateway for tests: loopback, ephemeral port, its own Hazelcast cluster name, the notes server as a
 * real stdio process (with the _meta log on), optionally a real HTTP upstream, spans into memory.
 */
public final class TestGateway implements AutoCloseable {

    public final Path stateDir;
    public final SigningKey rootKey;
    public final Minter minter;
    public final InMemorySpanExporter spans = InMemorySpanExporter.create();
    public final Path metaLog;
    public final Gateway gateway;
    private final SdkTracerProvider tracerProvider;

    TestGateway(URI httpUpstream) throws Exception {
        this(httpUpstream, null);
    }

    /** With {@code tls}, the agent port speaks only TLS (mcpUrl() is https). */
    public TestGateway(URI httpUpstream, GatewayConfig.Tls tls) throws Exception {
        this(httpUpstream, tls, UnaryOperator.identity());
    }

    /** With {@code customize}, a test changes settings (limits, risk rules, ...) before the node starts. */
    public TestGateway(URI httpUpstream, GatewayConfig.Tls tls, UnaryOperator<GatewayConfig.Builder> customize)
            throws Exception {
        this("everything", httpUpstream, tls, customize);
    }

    /** The HTTP upstream under {@code httpName}. */
    public TestGateway(String httpName, URI httpUpstream, GatewayConfig.Tls tls,
                       UnaryOperator<GatewayConfig.Builder> customize) throws Exception {
        this(httpName, httpUpstream, List.of(), tls, customize);
    }

    /** The HTTP upstream under {@code httpName}, and {@code extra} upstreams after the notes server and it. */
    public TestGateway(String httpName, URI httpUpstream, List<GatewayConfig.Upstream> extra, GatewayConfig.Tls tls,
                       UnaryOperator<GatewayConfig.Builder> customize) throws Exception {
        stateDir = Files.createTempDirectory("warrant-test");
        rootKey = KeyFiles.loadOrCreate(stateDir);
        minter = new Minter(rootKey, Clock.systemUTC(), Duration.ofHours(24));
        metaLog = stateDir.resolve("meta.log");
        tracerProvider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
        OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(tracerProvider)
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();

        List<GatewayConfig.Upstream> upstreams = new ArrayList<>();
        upstreams.add(new GatewayConfig.Upstream(JavaUpstreams.stdio("notes", NotesServer.class,
                List.of("--state-dir", stateDir.toString()), Map.of("NOTES_META_LOG", metaLog.toString()),
                Duration.ofSeconds(20)),
                Map.of("write_note", RiskTier.HIGH)));
        if (httpUpstream != null) {
            upstreams.add(new GatewayConfig.Upstream(new HttpUpstreamSpec(httpName, httpUpstream, Map.of(),
                    Duration.ofSeconds(20)), Map.of()));
        }
        upstreams.addAll(extra);
        GatewayConfig config = customize.apply(GatewayConfig.builder()
                .host("127.0.0.1").port(0).stateDir(stateDir)
                .rootKeys(List.of(rootKey.publicKey()))
                .clusterName("warrant-test-" + UUID.randomUUID())
                .clusterPort(ProcessPorts.freePort())
                .upstreams(upstreams)
                .tls(tls))
                .build();
        gateway = Gateway.start(config, Telemetry.of(otel), Clock.systemUTC());
    }

    public URI mcpUrl() {
        return gateway.mcpUrl();
    }

    @Override
    public void close() {
        gateway.close();
        tracerProvider.close();
    }
}
