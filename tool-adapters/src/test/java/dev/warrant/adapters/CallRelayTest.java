package dev.warrant.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Server-to-client requests reach the call they belong to: over stdio (no correlation) the one relayed call
 * in flight; never a guess among several; exact over HTTP (see the gateway's ServerRequestRelayTest).
 */
class CallRelayTest {

    @Test
    void handshakeOffersWhatTheGatewayRelays() {
        assertThat(Handshake.initializeParams().get("capabilities")).isEqualTo(
                Map.of("sampling", Map.of(), "elicitation", Map.of(), "roots", Map.of()));
    }

    @Test
    void stdioRequestGoesToTheOnlyRelayedCallAndItsAnswerGoesBack() throws Exception {
        try (Upstream upstream = Upstreams.connect(TestProcesses.fixture("relay", Duration.ofSeconds(10), Map.of()))
                .get(20, TimeUnit.SECONDS)) {
            List<String> asked = new CopyOnWriteArrayList<>();
            CallRelay relay = new CallRelay() {
                @Override
                public CompletableFuture<Map<String, Object>> onServerRequest(String method, Map<String, Object> params) {
                    asked.add(method);
                    return CompletableFuture.completedFuture(
                            Map.of("roots", List.of(Map.of("uri", "file:///agent/root", "name", "agent"))));
                }
            };
            Map<String, Object> result = upstream.callRelayed("tools/call",
                    Map.of("name", "ask_roots", "arguments", Map.of()), relay).result().get(15, TimeUnit.SECONDS);

            assertThat(asked).containsExactly("roots/list");
            assertThat(StdioUpstreamTest.text(result)).contains("file:///agent/root");
            // A call nobody relays (a catalog load) still gets the listeners' answer: method not found.
            Map<String, Object> unrelayed = StdioUpstreamTest.callTool(upstream, "ask_roots", Map.of(), null);
            assertThat(StdioUpstreamTest.text(unrelayed)).contains("Method not found");
        }
    }

    @Test
    void routingIsExactWhenCorrelatedAndNeverAGuessWhenNot() {
        PendingCall relayedA = call("warrant-1", new CallRelay() { });
        PendingCall relayedB = call("warrant-2", new CallRelay() { });
        PendingCall catalog = call("warrant-3", null);

        Map<String, PendingCall> one = Map.of("warrant-1", relayedA, "warrant-3", catalog);
        Map<String, PendingCall> two = Map.of("warrant-1", relayedA, "warrant-2", relayedB, "warrant-3", catalog);

        // HTTP: the POST stream names the call, however many are in flight.
        assertThat(CallRouting.route(two, "warrant-2", true).call()).isSameAs(relayedB);
        assertThat(CallRouting.route(two, "warrant-3", true).call()).isNull();
        assertThat(CallRouting.route(two, "warrant-9", true).call()).isNull();
        // HTTP GET stream: belongs to no call.
        assertThat(CallRouting.route(one, null, true).call()).isNull();
        // stdio: the only relayed call in flight; with two, nobody — and the request is refused as ambiguous.
        assertThat(CallRouting.route(one, null, false).call()).isSameAs(relayedA);
        CallRouting.Route ambiguous = CallRouting.route(two, null, false);
        assertThat(ambiguous.call()).isNull();
        assertThat(ambiguous.ambiguous()).isTrue();
        assertThat(ambiguous.inFlight()).isEqualTo(2);
        assertThat(CallRouting.route(Map.of("warrant-3", catalog), null, false).ambiguous()).isFalse();
        // Upstream-wide notifications never go to one call.
        assertThat(CallRouting.upstreamWide("notifications/tools/list_changed")).isTrue();
        assertThat(CallRouting.upstreamWide("notifications/message")).isFalse();
    }

    private static PendingCall call(String id, CallRelay relay) {
        return new PendingCall(null, id, "tools/call", null, relay, relay, java.time.Duration.ofSeconds(30));
    }
}
