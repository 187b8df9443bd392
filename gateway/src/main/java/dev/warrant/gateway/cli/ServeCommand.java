package dev.warrant.gateway.cli;

import dev.warrant.gateway.Gateway;
import dev.warrant.gateway.config.ConfigLoader;
import dev.warrant.gateway.config.GatewayConfig;
import dev.warrant.otel.Telemetry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run a gateway node from a YAML config file (WARRANT_* environment variables override it).")
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, description = "The YAML config file.")
    Path config;

    @Override
    public Integer call() throws Exception {
        GatewayConfig cfg = new ConfigLoader(System.getenv()).load(config);
        // The node makes its telemetry once its cluster member exists: service.instance.id = the member id.
        Gateway gateway = Gateway.start(cfg, Telemetry::autoConfigured, Clock.systemUTC());
        System.out.println("Warrant serving at " + gateway.mcpUrl());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            stopped.countDown();
        }, "warrant-shutdown"));
        stopped.await();
        return 0;
    }
}
