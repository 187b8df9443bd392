package dev.warrant.gateway.cli;

import dev.warrant.gateway.demo.DemoMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run a single-node gateway with a demo upstream and ready-made tokens; no config needed.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--port", description = "Agent port on 127.0.0.1 (default: ${DEFAULT-VALUE}).", defaultValue = "8080")
    int port;

    @Option(names = "--state-dir", description = "Keys, tokens, notes and audit log (default: ${DEFAULT-VALUE}).",
            defaultValue = ".warrant")
    Path stateDir;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new CliErrors.CliFailure("--port must be 0..65535", 2);
        }
        DemoMode.Demo demo;
        try {
            demo = DemoMode.startWithOwnTelemetry(port, stateDir, Clock.systemUTC());
        } catch (Exception e) {
            if (rootMessage(e).contains("Address already in use")) {
                throw new CliErrors.CliFailure("port " + port + " is in use; try --port 0 or another port", 1);
            }
            throw e;
        }
        DemoMode.printWelcome(demo, System.out);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            demo.close();
            stopped.countDown();
        }, "warrant-shutdown"));
        stopped.await();
        return 0;
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return String.valueOf(c.getMessage());
    }
}
