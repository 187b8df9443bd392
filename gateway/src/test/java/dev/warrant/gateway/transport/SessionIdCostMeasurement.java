package dev.warrant.gateway.transport;

import io.vertx.core.json.JsonObject;

import java.util.Arrays;

/**
 * Measurement, not a test (docs/PERFORMANCE.md, "Sessions across members"): the cost of minting and of opening a
 * sealed session id (AES-256-GCM), which a member pays once per session it takes up, and the id's length.
 * Run: {@code java -cp <gateway test classpath> dev.warrant.gateway.transport.SessionIdCostMeasurement}
 */
public final class SessionIdCostMeasurement {

    public static void main(String[] args) {
        SessionIds ids = new SessionIds(dev.warrant.gateway.cluster.SealingKeys.fixed());
        SessionIds.Facts facts = new SessionIds.Facts("a".repeat(128), "researcher", "2025-11-25",
                new JsonObject().put("elicitation", new JsonObject()).put("sampling", new JsonObject())
                        .put("roots", new JsonObject().put("listChanged", true)), System.currentTimeMillis());
        String id = ids.mint(facts);
        System.out.println("id length " + id.length() + " chars");
        int n = 200_000;
        long[] mint = new long[n];
        long[] open = new long[n];
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                String minted = ids.mint(facts);
                long t1 = System.nanoTime();
                if (ids.open(minted) == null) {
                    throw new IllegalStateException("did not open");
                }
                long t2 = System.nanoTime();
                mint[i] = t1 - t0;
                open[i] = t2 - t1;
            }
        }
        Arrays.sort(mint);
        Arrays.sort(open);
        System.out.printf("mint p50 %.1f us p99 %.1f us; open p50 %.1f us p99 %.1f us%n", mint[n / 2] / 1e3,
                mint[n * 99 / 100] / 1e3, open[n / 2] / 1e3, open[n * 99 / 100] / 1e3);
    }
}
