package dev.warrant.adapters;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which MCP era a Streamable HTTP upstream is spoken to in, found out per connection as the reference (Python)
 * client's auto mode does: a {@code server/discover} at 2026-07-28 first; a result offering 2026-07-28 makes it a
 * {@link ModernHttpUpstream}; any other answer (a JSON-RPC error, an HTTP error, a result without that version)
 * means the {@code initialize} handshake, exactly as before. Only no answer at all (unreachable, timed out) fails
 * the connection, which the supervisor retries.
 */
final class UpstreamEra {

    private static final Logger log = LoggerFactory.getLogger(UpstreamEra.class);

    enum Choice { MODERN, LEGACY }

    /**
     * What the discover request brought back.
     *
     * @param result     the result, or null when it failed
     * @param error      why it failed, or null
     * @param httpStatus the status of the HTTP answer, or 0 when none came
     */
    record Probe(Map<String, Object> result, UpstreamException error, int httpStatus) {
    }

    private UpstreamEra() {
    }

    /** Connects to {@code spec} in the era its answer to {@code server/discover} calls for. */
    static CompletableFuture<Upstream> connect(HttpUpstreamSpec spec, McpJsonMapper json, Vertx vertx) {
        HttpSession session = new HttpSession(spec, vertx);
        ModernHttpUpstream modern = new ModernHttpUpstream(spec, session, json);
        return modern.discover(Handshake.timeout(spec.requestTimeout())).<Upstream>thenCompose(probe -> {
            Choice choice;
            try {
                choice = choose(probe);
            } catch (UpstreamException unanswered) {
                session.close();
                session.run(session::closeClients);
                return CompletableFuture.<Upstream>failedFuture(unanswered);
            }
            if (choice == Choice.MODERN) {
                log.info("upstream {} speaks {}", spec.name(), ModernWire.VERSION);
                return CompletableFuture.<Upstream>completedFuture(modern.open(Discovery.of(probe.result())));
            }
            log.info("upstream {} does not speak {} ({}); connecting with initialize", spec.name(), ModernWire.VERSION,
                    probe.error() != null ? probe.error().getMessage() : "its discover result does not offer it");
            return new JsonRpcUpstream(spec, new HttpChannel(session, json)).connect();
        });
    }

    /**
     * The era for what discover brought back.
     *
     * @throws UpstreamException the probe's failure, when the upstream did not answer at all
     */
    static Choice choose(Probe probe) {
        if (probe.error() == null) {
            return Discovery.of(probe.result()) != null ? Choice.MODERN : Choice.LEGACY;
        }
        if (probe.httpStatus() != 0 || probe.error().kind() == UpstreamException.Kind.ERROR_RESPONSE
                || probe.error().kind() == UpstreamException.Kind.PROTOCOL) {
            return Choice.LEGACY;
        }
        throw probe.error();
    }
}
