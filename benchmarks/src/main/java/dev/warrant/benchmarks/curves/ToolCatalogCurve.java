package dev.warrant.benchmarks.curves;

import dev.warrant.delegation.TokenException;
import dev.warrant.delegation.VerifiedToken;
import dev.warrant.gateway.cluster.LocalRevocationIndex;
import dev.warrant.gateway.upstream.ToolCatalogView;
import dev.warrant.gateway.upstream.ToolEntry;
import dev.warrant.policies.Operation;
import dev.warrant.policies.Verdict;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Costs that depend on the number of registered tools, on the gateway's {@link ToolCatalogView}:
 * <ul>
 *   <li>{@code cachedCall}: a whole cached tools/call ({@link CachedCallPath}) against a catalog of N tools;</li>
 *   <li>{@code lookup}: the catalog lookup alone ({@code AuthorizeStage}'s {@code find});</li>
 *   <li>{@code listFiltered}: tools/list as {@code ToolsListHandler} builds it — one policy decision per
 *       registered tool, a copy of each visible definition. The token (3 hops) sees 3 tools of {@code notes};
 *       every other upstream's tools are decided and hidden.</li>
 * </ul>
 * Mode is average time in microseconds, since a 10k-tool tools/list takes far longer than one sample tick.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ToolCatalogCurve {
    @Param({"10", "1000", "10000"})
    public int tools;

    private ToolCatalogView catalog;
    private CachedCallPath path;
    private String token;
    private VerifiedToken verified;
    private String[] names;
    private int next;

    @Setup
    public void setUp() throws TokenException {
        catalog = ToolCatalogs.withTools(tools);
        token = CurveTokens.withHops(3);
        path = new CachedCallPath(CurvePolicies.realistic(), new LocalRevocationIndex(),
                catalog).warm(token);
        verified = CurveTokens.VERIFIER.verify(token);
        names = catalog.all().stream().map(ToolEntry::exposedName).toArray(String[]::new);
        if (listFiltered().size() != 1) {
            throw new IllegalStateException("tools/list must show exactly notes__read_note to the curve's token");
        }
    }

    @Benchmark
    public Verdict cachedCall() {
        return path.call(token);
    }

    @Benchmark
    public ToolEntry lookup() {
        // Rotates through every registered name, so the lookups are not one cached hash bucket.
        String name = names[next];
        next = next + 1 == names.length ? 0 : next + 1;
        return catalog.find(name);
    }

    @Benchmark
    public JsonArray listFiltered() {
        JsonArray out = new JsonArray();
        for (ToolEntry tool : catalog.all()) {
            boolean visible = path.engine.decide(verified,
                    Operation.listTool(tool.server(), tool.name(), tool.risk(), Optional.empty())).allowed();
            if (visible) {
                Map<String, Object> definition = new LinkedHashMap<>(tool.definition());
                definition.put("name", tool.exposedName());
                out.add(new JsonObject(definition));
            }
        }
        return out;
    }
}
