package dev.warrant.gateway.config;

import dev.warrant.adapters.UpstreamSpec;
import dev.warrant.delegation.RootPublicKey;
import dev.warrant.gateway.approval.ApprovalSettings;
import dev.warrant.gateway.cluster.KubernetesDiscovery;
import dev.warrant.gateway.identity.IdentitySettings;
import dev.warrant.gateway.record.AuditSettings;
import dev.warrant.policies.RiskTier;
import dev.warrant.policies.limits.LimitSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a gateway node needs to start, validated. Built from YAML by {@link ConfigLoader} or in code
 * (demo mode, tests).
 */
public record GatewayConfig(
        String host,
        int port,
        Path stateDir,
        List<RootPublicKey> rootKeys,
        Duration maxTokenTtl,
        int maxChainDepth,
        int maxTokenBytes,
        String clusterName,
        int clusterPort,
        List<String> clusterMembers,
        Optional<KubernetesDiscovery> clusterKubernetes,
        Duration clusterRevokeTimeout,
        List<Upstream> upstreams,
        Optional<Path> policiesDir,
        Optional<Path> auditFile,
        AuditSettings audit,
        List<String> allowedHosts,
        int maxBodyBytes,
        Optional<Tls> tls,
        RiskRules risk,
        LimitSettings limits,
        int listPageSize,
        int eventLoops,
        dev.warrant.gateway.transport.SessionSettings sessions,
        dev.warrant.gateway.health.ShutdownSettings shutdown,
        Optional<IdentitySettings> identity,
        ApprovalSettings approvals,
        dev.warrant.gateway.console.ConsoleSettings console) {

    /** An upstream with its gateway-side settings. */
    public record Upstream(UpstreamSpec spec, Map<String, RiskTier> risks) {
        public Upstream {
            Objects.requireNonNull(spec, "spec");
            risks = risks == null ? Map.of() : Map.copyOf(risks);
        }
    }

    /** Whether and how the agent port asks for client certificates (mTLS). */
    public enum ClientAuth { NONE, REQUEST, REQUIRED }

    /**
     * TLS on the agent port. With client authentication, a client certificate must chain to
     * {@code clientCaFile}; its URI SAN becomes the connection's {@code peer(...)} fact.
     *
     * @param certFile     PEM certificate chain of the server (leaf first)
     * @param keyFile      PEM private key of the server (PKCS#8 {@code PRIVATE KEY}, or PKCS#1 RSA)
     * @param clientCaFile PEM CA certificates trusted to sign client certificates
     * @param clientAuth   NONE: no client certificates; REQUEST: verified when sent, else no peer;
     *                     REQUIRED: the handshake fails without one
     */
    public record Tls(Path certFile, Path keyFile, Optional<Path> clientCaFile, ClientAuth clientAuth) {
        public Tls {
            clientCaFile = clientCaFile == null ? Optional.empty() : clientCaFile;
            Objects.requireNonNull(clientAuth, "tls.clientAuth");
            readable(certFile, "tls.certFile");
            readable(keyFile, "tls.keyFile");
            clientCaFile.ifPresent(f -> readable(f, "tls.clientCaFile"));
            // Contradictions are errors, not guesses: a CA nobody checks, or client auth with nothing to check against.
            if (clientAuth != ClientAuth.NONE && clientCaFile.isEmpty()) {
                throw new ConfigException("tls.clientCaFile: required when tls.clientAuth is " + clientAuth);
            }
            if (clientAuth == ClientAuth.NONE && clientCaFile.isPresent()) {
                throw new ConfigException("tls.clientAuth: NONE contradicts tls.clientCaFile (use REQUEST or REQUIRED)");
            }
        }

        /** Client certificates required (strict default when a client CA is given). */
        public static Tls mutual(Path certFile, Path keyFile, Path clientCaFile) {
            return new Tls(certFile, keyFile, Optional.of(clientCaFile), ClientAuth.REQUIRED);
        }

        private static void readable(Path file, String setting) {
            if (file == null) {
                throw new ConfigException(setting + ": required");
            }
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw new ConfigException(setting + ": cannot read " + file);
            }
        }
    }

    public GatewayConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(stateDir, "stateDir");
        rootKeys = List.copyOf(rootKeys);
        clusterMembers = List.copyOf(clusterMembers);
        clusterKubernetes = clusterKubernetes == null ? Optional.empty() : clusterKubernetes;
        if (clusterKubernetes.isPresent() && !clusterMembers.isEmpty()) {
            throw new ConfigException("cluster.members: not used with cluster.discovery: kubernetes"
                    + " (members are found through cluster.kubernetes.serviceDns)");
        }
        if (clusterRevokeTimeout == null || clusterRevokeTimeout.isNegative() || clusterRevokeTimeout.isZero()) {
            throw new ConfigException("cluster.revokeTimeout must be positive");
        }
        upstreams = List.copyOf(upstreams);
        allowedHosts = List.copyOf(allowedHosts);
        policiesDir = policiesDir == null ? Optional.empty() : policiesDir;
        auditFile = auditFile == null ? Optional.empty() : auditFile;
        audit = audit == null ? AuditSettings.defaults() : audit;
        tls = tls == null ? Optional.empty() : tls;
        risk = risk == null ? RiskRules.NONE : risk;
        limits = limits == null ? LimitSettings.defaults() : limits;
        sessions = sessions == null ? dev.warrant.gateway.transport.SessionSettings.defaults() : sessions;
        shutdown = shutdown == null ? dev.warrant.gateway.health.ShutdownSettings.defaults() : shutdown;
        identity = identity == null ? Optional.empty() : identity;
        approvals = approvals == null ? ApprovalSettings.defaults() : approvals;
        console = console == null ? dev.warrant.gateway.console.ConsoleSettings.defaults() : console;
        if (port < 0 || port > 65535) {
            throw new ConfigException("listen.port must be 0..65535");
        }
        if (rootKeys.isEmpty()) {
            throw new ConfigException("keys: at least one root public key is required");
        }
        if (maxTokenTtl.isNegative() || maxTokenTtl.isZero()) {
            throw new ConfigException("tokens.maxTtl must be positive");
        }
        if (maxChainDepth < 0 || maxChainDepth > 64) {
            throw new ConfigException("tokens.maxDepth must be 0..64");
        }
        if (maxTokenBytes < 256) {
            throw new ConfigException("tokens.maxBytes must be at least 256");
        }
        if (eventLoops < 1 || eventLoops > MAX_EVENT_LOOPS) {
            throw new ConfigException("listen.eventLoops must be 1.." + MAX_EVENT_LOOPS);
        }
        if (listPageSize < 1 || listPageSize > MAX_LIST_PAGE_SIZE) {
            throw new ConfigException("lists.pageSize must be 1.." + MAX_LIST_PAGE_SIZE);
        }
        if (maxBodyBytes < 1024) {
            throw new ConfigException("limits.maxBodyBytes must be at least 1024");
        }
        if (upstreams.stream().anyMatch(u -> u.spec().name().equals("warrant"))) {
            throw new ConfigException("upstreams: the name 'warrant' is reserved for the gateway's own tools");
        }
        long distinct = upstreams.stream().map(u -> u.spec().name()).distinct().count();
        if (distinct != upstreams.size()) {
            throw new ConfigException("upstreams: names must be unique");
        }
        if (console.signIn().isPresent()) {
            String issuer = console.signIn().get().issuer();
            // The console's sign-in yields that issuer's access token, which the gateway must accept like an agent's.
            if (identity.stream().flatMap(i -> i.issuers().stream()).noneMatch(i -> i.issuer().equals(issuer))) {
                throw new ConfigException("console.signIn.issuer: must be one of identity.issuers: " + issuer);
            }
        }
    }

    /** Items per page of tools/list, resources/list, resources/templates/list and prompts/list by default. */
    public static final int DEFAULT_LIST_PAGE_SIZE = 500;
    /** A page is one JSON answer; beyond this an agent gains nothing from larger ones. */
    public static final int MAX_LIST_PAGE_SIZE = 100_000;
    /** Event loops serving the agent port unless configured: one per core ({@code AgentListeners}). */
    public static final int DEFAULT_EVENT_LOOPS = Math.max(1, Runtime.getRuntime().availableProcessors());
    public static final int MAX_EVENT_LOOPS = 256;

    /** The audit log's file name in the state dir when {@code audit.file} is not set. */
    public static final String DEFAULT_AUDIT_FILE = "audit.log";

    /** The audit log: {@code audit.file}, or {@link #DEFAULT_AUDIT_FILE} in the state dir. */
    public Path auditLog() {
        return auditFile.orElse(stateDir.resolve(DEFAULT_AUDIT_FILE));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults: loopback:8080 (plain HTTP), state in .warrant, 24 h maximum TTL, depth 8, 16 KiB tokens, 1 MiB bodies. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 8080;
        private Path stateDir = Path.of(".warrant");
        private List<RootPublicKey> rootKeys = List.of();
        private Duration maxTokenTtl = Duration.ofHours(24);
        private int maxChainDepth = 8;
        private int maxTokenBytes = 16_384;
        private String clusterName = "warrant";
        private int clusterPort = 5701;
        private List<String> clusterMembers = List.of();
        private Optional<KubernetesDiscovery> clusterKubernetes = Optional.empty();
        private Duration clusterRevokeTimeout = Duration.ofSeconds(5);
        private List<Upstream> upstreams = List.of();
        private Optional<Path> policiesDir = Optional.empty();
        private Optional<Path> auditFile = Optional.empty();
        private AuditSettings audit = AuditSettings.defaults();
        private List<String> allowedHosts = List.of();
        private int maxBodyBytes = 1 << 20;
        private Optional<Tls> tls = Optional.empty();
        private RiskRules risk = RiskRules.NONE;
        private LimitSettings limits = LimitSettings.defaults();
        private int listPageSize = DEFAULT_LIST_PAGE_SIZE;
        private int eventLoops = DEFAULT_EVENT_LOOPS;
        private dev.warrant.gateway.transport.SessionSettings sessions =
                dev.warrant.gateway.transport.SessionSettings.defaults();
        private dev.warrant.gateway.health.ShutdownSettings shutdown =
                dev.warrant.gateway.health.ShutdownSettings.defaults();
        private Optional<IdentitySettings> identity = Optional.empty();
        private ApprovalSettings approvals = ApprovalSettings.defaults();
        private dev.warrant.gateway.console.ConsoleSettings console =
                dev.warrant.gateway.console.ConsoleSettings.defaults();

        public Builder host(String v) { host = v; return this; }
        public Builder port(int v) { port = v; return this; }
        public Builder stateDir(Path v) { stateDir = v; return this; }
        public Builder rootKeys(List<RootPublicKey> v) { rootKeys = v; return this; }
        public Builder maxTokenTtl(Duration v) { maxTokenTtl = v; return this; }
        public Builder maxChainDepth(int v) { maxChainDepth = v; return this; }
        public Builder maxTokenBytes(int v) { maxTokenBytes = v; return this; }
        public Builder clusterName(String v) { clusterName = v; return this; }
        public Builder clusterPort(int v) { clusterPort = v; return this; }
        public Builder clusterMembers(List<String> v) { clusterMembers = v; return this; }
        /** Find members through a headless Service's DNS name instead of {@code clusterMembers}. */
        public Builder clusterKubernetes(KubernetesDiscovery v) { clusterKubernetes = Optional.ofNullable(v); return this; }
        public Builder clusterRevokeTimeout(Duration v) { clusterRevokeTimeout = v; return this; }
        public Builder upstreams(List<Upstream> v) { upstreams = v; return this; }
        public Builder policiesDir(Path v) { policiesDir = Optional.ofNullable(v); return this; }
        public Builder auditFile(Path v) { auditFile = Optional.ofNullable(v); return this; }
        public Builder audit(AuditSettings v) { audit = v; return this; }
        public Builder allowedHosts(List<String> v) { allowedHosts = v; return this; }
        public Builder maxBodyBytes(int v) { maxBodyBytes = v; return this; }
        public Builder tls(Tls v) { tls = Optional.ofNullable(v); return this; }
        public Builder risk(RiskRules v) { risk = v; return this; }
        /** Rate limits and drift containment; default: 50/s burst 100 per caller, per tool and drift off. */
        public Builder limits(LimitSettings v) { limits = v; return this; }
        /** Items per page of the list methods; more are reached with {@code nextCursor}. Default 500. */
        public Builder listPageSize(int v) { listPageSize = v; return this; }
        /** Event loops serving the agent port, each with its own share of the connections. Default: cores. */
        public Builder eventLoops(int v) { eventLoops = v; return this; }

        /** Session table bounds: idle timeout, member-wide cap, per-grant quota. */
        public Builder sessions(dev.warrant.gateway.transport.SessionSettings v) { sessions = v; return this; }

        /** How a stopping member drains and how long its requests in flight may finish. */
        public Builder shutdown(dev.warrant.gateway.health.ShutdownSettings v) { shutdown = v; return this; }

        /** JWT access tokens from an IdP (issue 18); absent, only Warrant's own Biscuit tokens are accepted. */
        public Builder identity(IdentitySettings v) { identity = Optional.ofNullable(v); return this; }

        /** What approvers see of held calls and which webhooks are told of them; default: digest only, none. */
        public Builder approvals(ApprovalSettings v) { approvals = v; return this; }
        /** The operator console at /console/ (issue 19): on by default, with its sign-in session's lifetimes. */
        public Builder console(dev.warrant.gateway.console.ConsoleSettings v) { console = v; return this; }

        public GatewayConfig build() {
            return new GatewayConfig(host, port, stateDir, rootKeys, maxTokenTtl, maxChainDepth, maxTokenBytes,
                    clusterName, clusterPort, clusterMembers, clusterKubernetes, clusterRevokeTimeout, upstreams, policiesDir, auditFile, audit, allowedHosts,
                    maxBodyBytes, tls, risk, limits, listPageSize, eventLoops, sessions, shutdown, identity,
                    approvals, console);
        }
    }
}
