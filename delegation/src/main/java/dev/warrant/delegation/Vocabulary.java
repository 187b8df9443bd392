package dev.warrant.delegation;

import java.util.Set;

/**
 * The Datalog vocabulary of Warrant tokens and requests (docs/ARCHITECTURE.md §3), in one place. Anything that reads
 * or writes these names uses these constants.
 */
public final class Vocabulary {
    private Vocabulary() {}

    // Authority block (issuer).
    public static final String AGENT = "agent";
    public static final String RIGHT = "right";
    public static final String TASK = "task";
    /** {@code identity(issuer, subject)}: the IdP identity a gateway-minted token was issued for ({@link Identity}). */
    public static final String IDENTITY = "identity";
    public static final String ISSUED_AT = "issued_at";
    public static final String EXPIRES = "expires";

    // Delegation hops.
    public static final String DELEGATION = "delegation";
    public static final String TRACE = "trace";

    // Request facts added by the gateway's authorizer.
    public static final String TIME = "time";
    public static final String METHOD = "method";
    public static final String REQUEST = "request";
    public static final String SERVER = "server";
    public static final String ARG = "arg";
    public static final String ARG_PATH = "arg_path";
    public static final String RISK = "risk";
    public static final String CALLER = "caller";
    public static final String CHAIN = "chain";
    public static final String DEPTH = "depth";
    public static final String PEER = "peer";

    // Right kinds.
    public static final String KIND_TOOL = "tool";
    public static final String KIND_RESOURCE = "resource";
    public static final String KIND_PROMPT = "prompt";
    public static final String KIND_ADMIN = "admin";
    /**
     * A tool provider's right to register and remove one upstream through the admin API:
     * {@code right("provider", "upstream", "<upstream name>")} ({@code "*"} = any name). The gateway asks
     * {@code request("provider", "upstream", "<name>")}; the default policy's exact and {@code "*"} rules decide.
     */
    public static final String KIND_PROVIDER = "provider";
    /** The "server" position of a provider right: the gateway's upstream registry. */
    public static final String PROVIDER_UPSTREAM = "upstream";
    public static final Set<String> KINDS = Set.of(KIND_TOOL, KIND_RESOURCE, KIND_PROMPT, KIND_ADMIN, KIND_PROVIDER);

    /** Wildcard name in {@code right(kind, server, "*")} and in hop allow-lists. */
    public static final String ANY = "*";

    // MCP methods.
    public static final String METHOD_TOOLS_CALL = "tools/call";
    public static final String METHOD_TOOLS_LIST = "tools/list";
    public static final String METHOD_RESOURCES_LIST = "resources/list";
    public static final String METHOD_PROMPTS_LIST = "prompts/list";
}
