package dev.warrant.benchmarks.curves;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The curves' operations measured in CPU time of the calling thread per operation, next to wall time: on a
 * shared machine the wall time of a single-threaded loop is inflated by every other runnable thread, its CPU
 * time much less so. Same states and methods as the JMH classes (their {@code @Setup} and {@code @Benchmark}
 * methods are called directly); per point a warm-up of at least 1.5 s and
 * 20 000 calls (at most 20 s), then about 3 s of measurement (at least one operation).
 * {@code java -cp benchmarks/target/benchmarks.jar dev.warrant.benchmarks.curves.CpuTimeCurves}
 */
public final class CpuTimeCurves {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static volatile int sink;

    private CpuTimeCurves() {}

    public static void main(String[] args) throws Exception {
        System.out.printf("%-42s %14s %14s %10s%n", "curve point", "cpu us/op", "wall us/op", "ops");
        for (int hops : new int[] {1, 2, 4, 8, 16}) {
            ChainDepthCurve c = new ChainDepthCurve();
            c.hops = hops;
            c.setUp();
            measure("ChainDepthCurve.cachedCall hops=" + hops, c::cachedCall);
        }
        for (int statements : new int[] {10, 100, 1000}) {
            PolicyCountCurve c = new PolicyCountCurve();
            c.statements = statements;
            c.setUp();
            measure("PolicyCountCurve.cachedCall statements=" + statements, c::cachedCall);
        }
        for (int entries : new int[] {0, 10_000, 1_000_000}) {
            RevocationCurve c = new RevocationCurve();
            c.entries = entries;
            c.setUp();
            measure("RevocationCurve.isRevoked entries=" + entries, c::isRevoked);
        }
        for (int tools : new int[] {10, 1_000, 10_000}) {
            ToolCatalogCurve c = new ToolCatalogCurve();
            c.tools = tools;
            c.setUp();
            measure("ToolCatalogCurve.lookup tools=" + tools, c::lookup);
            measure("ToolCatalogCurve.cachedCall tools=" + tools, c::cachedCall);
            measure("ToolCatalogCurve.listFiltered tools=" + tools, c::listFiltered);
        }
        for (int hops : new int[] {0, 3, 8}) {
            ColdVersusCachedCurve c = new ColdVersusCachedCurve();
            c.hops = hops;
            c.setUp();
            measure("ColdVersusCachedCurve.cold hops=" + hops, c::cold);
            measure("ColdVersusCachedCurve.cached hops=" + hops, c::cached);
        }
    }

    private static void measure(String name, Callable<?> op) throws Exception {
        // Warm-up by count as well as time: on a loaded machine 1.5 s may be too few calls for the JIT.
        long[] warm = run(op, 1_500_000_000L, 20_000, 20_000_000_000L, 1);
        // Batches of about 10 us keep the clock reads out of sub-microsecond operations.
        int batch = (int) Math.max(1, Math.min(1024, warm[0] * 10_000L / Math.max(1, warm[2])));
        long[] r = run(op, 3_000_000_000L, 0, 3_000_000_000L, batch);
        System.out.printf("%-42s %14.2f %14.2f %10d%n", name, r[1] / 1e3 / r[0], r[2] / 1e3 / r[0], r[0]);
    }

    /**
     * Runs {@code op} for at least {@code minNanos} of wall time and {@code minOps} operations, but no longer
     * than {@code maxNanos} (at least one batch); returns {ops, cpu ns, wall ns}.
     */
    private static long[] run(Callable<?> op, long minNanos, long minOps, long maxNanos, int batch) throws Exception {
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        long ops = 0;
        int h = 0;
        while (true) {
            for (int i = 0; i < batch; i++) {
                h += System.identityHashCode(op.call());
            }
            ops += batch;
            long elapsed = System.nanoTime() - wall0;
            if (elapsed >= maxNanos || ops >= 50_000_000L || (elapsed >= minNanos && ops >= minOps)) {
                break;
            }
        }
        sink = h;
        return new long[] {ops, THREADS.getCurrentThreadCpuTime() - cpu0, System.nanoTime() - wall0};
    }
}
