package dev.warrant.gateway.config;

import dev.warrant.gateway.health.ShutdownSettings;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.warrant.adapters.HttpUpstreamSpec;
import dev.warrant.adapters.SseUpstreamSpec;
import dev.warrant.adapters.StdioUpstreamSpec;
import dev.warrant.adapters.UpstreamSpec;
import dev.warrant.delegation.KeyFiles;
import dev.warrant.delegation.RootPublicKey;
import dev.warrant.gateway.approval.ApprovalSettings;
import dev.warrant.gateway.approval.WebhookSettings;
import dev.warrant.gateway.cluster.KubernetesDiscovery;
import dev.warrant.gateway.identity.IdentitySettings;
import dev.warrant.gateway.identity.IssuerSettings;
import dev.warrant.gateway.identity.JwsAlgorithm;
import dev.warrant.gateway.record.AuditSettings;
import dev.warrant.gateway.transport.SessionSettings;
import dev.warrant.policies.RiskTier;
import dev.warrant.policies.limits.DriftThreshold;
import dev.warrant.policies.limits.LimitScope;
import dev.warrant.policies.limits.LimitSettings;
import dev.warrant.policies.limits.RateLimit;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the YAML config file, then applies {@code WARRANT_*} environment overrides. Every error names the
 * setting's path ({@code upstreams[1].stdio.command}) and what is wrong, in one line; unknown keys are
 * errors too, so a typo never silently falls back to a default.
 *
 * <pre>
 * listen: { host: 127.0.0.1, port: 8080, eventLoops: 2 }   # eventLoops: default the number of cores
 * tls: { certFile: server.pem, keyFile: server.key, clientCaFile: clients-ca.pem, clientAuth: REQUIRED }
 * stateDir: .warrant
 * keys: [ { publicKeyFile: path/to/root.pub } ]   # or publicKey: "hex"; id: defaults to the key's own id
 * tokens: { maxTtl: PT24H, maxDepth: 8, maxBytes: 16384 }
 * cluster: { name: warrant, port: 5701, members: [ "127.0.0.1:5701" ], revokeTimeout: PT5S }
 * #  or, on Kubernetes: { discovery: kubernetes, kubernetes: { serviceDns: warrant-cluster.ns.svc.cluster.local,
 * #                                                          serviceDnsTimeout: PT5S } }
 * upstreams:
 *   - name: notes
 *     stdio: { command: java, args: [ ... ], env: { K: V } }
 *     timeout: PT30S
 *     risk: { write_note: high }
 *   - name: everything
 *     http: { url: "http://127.0.0.1:3001/mcp", headers: { Authorization: "Bearer ${env:UPSTREAM_TOKEN}" } }
 *     maxConcurrent: 64                               # requests in flight; more are refused at once
 *   - name: legacy
 *     sse: { url: "http://127.0.0.1:3002/sse" }       # 2024-11-05 HTTP+SSE; same keys as http
 * policies: { dir: policies }
 * audit: { file: .warrant/audit.log, maxFileBytes: 67108864, maxFiles: 10, includeArguments: false,
 *          onFailure: refuse,                   # refuse: no audit, no action (default); answer: only log it
 *          checkpointEvery: 1000, checkpointInterval: PT10S,   # signed checkpoints (docs/ARCHITECTURE.md §8.1)
 *          receipts: true }                                  # signed receipts on tools/call answers (§11.37)
 * allowedHosts: [ "gateway.example.org:8443" ]
 * limits:
 *   maxBodyBytes: 1048576
 *   perCaller: { ratePerSecond: 50, burst: 100 }   # the default; false turns it off
 *   perTool: { ratePerSecond: 200, burst: 400 }    # each tool, all callers together; default off
 *   drift: { maxDenials: 20, window: PT1M }        # quarantine a caller past this; default off
 *   scope: divided                                 # what rates and drift mean across members: member, divided, cluster
 * risk: { high: { freshAuthorization: PT10M, approval: true, approvalTimeout: PT5M } }   # see RiskRules
 * approvals:                                # what approvers see of held calls, who is told (ApprovalSettings)
 *   showArguments: false                    # the default: the arguments' digest only
 *   consoleUrl: https://warrant.example.org # base of the webhooks' links; default: this member's address
 *   webhooks: [ { url: "https://hooks.example.org/warrant", secretFile: secrets/webhook.key, timeout: PT10S } ]
 * lists: { pageSize: 500 }                        # items per page of tools/list etc.; more via nextCursor
 * sessions: { idleTimeout: PT1H, max: 10000, perGrant: 256,    # the defaults; perGrant: per minted token
 *             keyRotation: P1D, maxAge: P7D }               # session ids' sealing keys rotate; an id lives maxAge
 * shutdown: { drain: PT0S, grace: PT8S }    # the defaults: serve on, not ready, for drain; then finish in grace
 * identity:                                 # JWT access tokens from an IdP; absent: Biscuit tokens only
 *   resource: https://gateway.example.org/mcp   # RFC 8707 resource = the audience a token must name
 *   issuers:
 *     - issuer: https://idp.example.org/realms/agents   # https (http only for a loopback host)
 *       jwksUri: https://idp.example.org/realms/agents/certs   # optional: else from the discovery document
 *       algorithms: [RS256, ES256]              # the default; RS*, PS*, ES*, EdDSA; never none or HS*
 *       keyRefresh: PT30S                       # the default: at most one key fetch per 30 s on unknown kids
 *   mapping: identity.datalog                 # claims to rights; relative to the config file; hot reloaded
 *   signingKeyFile: keys/identity.key         # what identities' tokens are minted with; default stateDir/identity.key
 * console: { enabled: true, sessionTtl: PT8H, idleTimeout: PT30M,   # the defaults; the operator console at /console/
 *            traceUrl: "https://jaeger.example.org/trace/{traceId}",   # optional: audit lines link their trace
 *            signIn: {                                # optional: sign-in through the IdP (code flow with PKCE)
 *              issuer: https://idp.example.org/realms/agents     # one of identity.issuers
 *              clientId: warrant-console, clientSecretFile: secrets/console-client.secret,
 *              redirectUri: https://warrant.example.org/console/login/callback,   # as browsers reach it
 *              scope: "console.read console.approve" } }   # what the mapping turns into console rights
 * </pre>
 */
public final class ConfigLoader {

    private static final Set<String> TOP_LEVEL = Set.of("listen", "stateDir", "keys", "tokens", "cluster",
            "upstreams", "policies", "audit", "allowedHosts", "limits", "tls", "risk", "lists", "sessions",
            "shutdown", "identity", "approvals", "console");

    private final Map<String, String> env;

    public ConfigLoader(Map<String, String> env) {
        this.env = env;
    }

    public GatewayConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file not found: " + file);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        Path base = file.toAbsolutePath().getParent();
        return parse(text, base);
    }

    public GatewayConfig parse(String yaml, Path base) {
        JsonNode root;
        try {
            // A key given twice is an error, not "the last one wins": a second allowedHosts further down
            // must not silently replace the first.
            root = new ObjectMapper(YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
                    .readTree(yaml);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
            throw new ConfigException("config is not valid YAML" + where + ": " + oneLine(e.getOriginalMessage()));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            root = new ObjectMapper().createObjectNode();
        }
        if (!root.isObject()) {
            throw new ConfigException("config must be a YAML mapping");
        }
        unknownKeys(root, TOP_LEVEL, "");
        GatewayConfig.Builder b = GatewayConfig.builder();

        JsonNode listen = object(root, "listen");
        if (listen != null) {
            unknownKeys(listen, Set.of("host", "port", "eventLoops"), "listen.");
            if (listen.has("host")) b.host(text(listen, "host", "listen.host"));
            if (listen.has("port")) b.port(integer(listen, "port", "listen.port"));
            if (listen.has("eventLoops")) b.eventLoops(integer(listen, "eventLoops", "listen.eventLoops"));
        }
        JsonNode tls = object(root, "tls");
        if (tls != null) {
            b.tls(tls(tls, base));
        }
        if (root.has("stateDir")) b.stateDir(resolve(base, text(root, "stateDir", "stateDir")));
        b.rootKeys(keys(root.get("keys"), base));

        JsonNode tokens = object(root, "tokens");
        if (tokens != null) {
            unknownKeys(tokens, Set.of("maxTtl", "maxDepth", "maxBytes"), "tokens.");
            if (tokens.has("maxTtl")) b.maxTokenTtl(duration(tokens, "maxTtl", "tokens.maxTtl"));
            if (tokens.has("maxDepth")) b.maxChainDepth(integer(tokens, "maxDepth", "tokens.maxDepth"));
            if (tokens.has("maxBytes")) b.maxTokenBytes(integer(tokens, "maxBytes", "tokens.maxBytes"));
        }
        JsonNode cluster = object(root, "cluster");
        if (cluster != null) {
            unknownKeys(cluster, Set.of("name", "port", "members", "revokeTimeout", "discovery", "kubernetes"),
                    "cluster.");
            if (cluster.has("name")) b.clusterName(text(cluster, "name", "cluster.name"));
            if (cluster.has("port")) b.clusterPort(integer(cluster, "port", "cluster.port"));
            if (cluster.has("members")) b.clusterMembers(strings(cluster.get("members"), "cluster.members"));
            if (cluster.has("revokeTimeout")) b.clusterRevokeTimeout(duration(cluster, "revokeTimeout", "cluster.revokeTimeout"));
            b.clusterKubernetes(kubernetesDiscovery(cluster));
        }
        b.upstreams(upstreams(root.get("upstreams"), base));
        JsonNode policies = object(root, "policies");
        if (policies != null) {
            unknownKeys(policies, Set.of("dir"), "policies.");
            if (policies.has("dir")) b.policiesDir(resolve(base, text(policies, "dir", "policies.dir")));
        }
        JsonNode audit = object(root, "audit");
        if (audit != null) {
            unknownKeys(audit, Set.of("file", "maxFileBytes", "maxFiles", "includeArguments", "onFailure",
                    "checkpointEvery", "checkpointInterval", "receipts"), "audit.");
            if (audit.has("file")) b.auditFile(resolve(base, text(audit, "file", "audit.file")));
            b.audit(auditSettings(audit));
        }
        if (root.has("allowedHosts")) b.allowedHosts(strings(root.get("allowedHosts"), "allowedHosts"));
        JsonNode limits = object(root, "limits");
        if (limits != null) {
            unknownKeys(limits, Set.of("maxBodyBytes", "perCaller", "perTool", "drift", "scope"), "limits.");
            if (limits.has("maxBodyBytes")) b.maxBodyBytes(integer(limits, "maxBodyBytes", "limits.maxBodyBytes"));
            b.limits(limitSettings(limits));
        }
        JsonNode lists = object(root, "lists");
        if (lists != null) {
            unknownKeys(lists, Set.of("pageSize"), "lists.");
            if (lists.has("pageSize")) b.listPageSize(integer(lists, "pageSize", "lists.pageSize"));
        }
        JsonNode sessions = object(root, "sessions");
        if (sessions != null) {
            unknownKeys(sessions, Set.of("idleTimeout", "max", "perGrant", "keyRotation", "maxAge"), "sessions.");
            SessionSettings d = SessionSettings.defaults();
            try {
                b.sessions(new SessionSettings(
                        sessions.has("idleTimeout") ? duration(sessions, "idleTimeout", "sessions.idleTimeout") : d.idleTimeout(),
                        sessions.has("max") ? integer(sessions, "max", "sessions.max") : d.max(),
                        sessions.has("perGrant") ? integer(sessions, "perGrant", "sessions.perGrant") : d.perGrant(),
                        sessions.has("keyRotation") ? duration(sessions, "keyRotation", "sessions.keyRotation") : d.keyRotation(),
                        sessions.has("maxAge") ? duration(sessions, "maxAge", "sessions.maxAge") : d.maxAge()));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(e.getMessage());
            }
        }
        JsonNode shutdown = object(root, "shutdown");
        if (shutdown != null) {
            unknownKeys(shutdown, Set.of("drain", "grace"), "shutdown.");
            ShutdownSettings d = ShutdownSettings.defaults();
            b.shutdown(new ShutdownSettings(
                    shutdown.has("drain") ? duration(shutdown, "drain", "shutdown.drain") : d.drain(),
                    shutdown.has("grace") ? duration(shutdown, "grace", "shutdown.grace") : d.grace()));
        }
        JsonNode risk = object(root, "risk");
        if (risk != null) {
            b.risk(riskRules(risk));
        }
        JsonNode approvals = object(root, "approvals");
        if (approvals != null) {
            b.approvals(approvalSettings(approvals, base));
        }
        JsonNode identity = object(root, "identity");
        if (identity != null) {
            b.identity(identity(identity, base));
        }
        JsonNode console = object(root, "console");
        if (console != null) {
            unknownKeys(console, Set.of("enabled", "sessionTtl", "idleTimeout", "traceUrl", "signIn"), "console.");
            dev.warrant.gateway.console.ConsoleSettings d = dev.warrant.gateway.console.ConsoleSettings.defaults();
            try {
                b.console(new dev.warrant.gateway.console.ConsoleSettings(
                        console.has("enabled") ? bool(console, "enabled", "console.enabled") : d.enabled(),
                        console.has("sessionTtl") ? duration(console, "sessionTtl", "console.sessionTtl") : d.sessionTtl(),
                        console.has("idleTimeout") ? duration(console, "idleTimeout", "console.idleTimeout") : d.idleTimeout(),
                        console.has("traceUrl") ? Optional.of(text(console, "traceUrl", "console.traceUrl"))
                                : d.traceUrl(),
                        Optional.ofNullable(object(console, "signIn", "console.signIn"))
                                .map(si -> idpSignIn(si, base))));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(e.getMessage());
            }
        }
        applyEnv(b);
        try {
            return b.build();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /**
     * {@code discovery: members} (the default: the list in {@code cluster.members}) or {@code discovery: kubernetes}
     * with {@code kubernetes: { serviceDns, serviceDnsTimeout }}; null for the former.
     */
    private KubernetesDiscovery kubernetesDiscovery(JsonNode cluster) {
        String discovery = cluster.has("discovery") ? text(cluster, "discovery", "cluster.discovery") : "members";
        JsonNode k8s = object(cluster, "kubernetes", "cluster.kubernetes");
        switch (discovery) {
            case "members" -> {
                if (k8s != null) {
                    throw new ConfigException("cluster.kubernetes: only used with cluster.discovery: kubernetes");
                }
                return null;
            }
            case "kubernetes" -> {
                if (k8s == null) {
                    throw new ConfigException("cluster.kubernetes.serviceDns: required with cluster.discovery: kubernetes");
                }
                unknownKeys(k8s, Set.of("serviceDns", "serviceDnsTimeout"), "cluster.kubernetes.");
                String dns = text(k8s, "serviceDns", "cluster.kubernetes.serviceDns");
                Duration timeout = k8s.has("serviceDnsTimeout")
                        ? duration(k8s, "serviceDnsTimeout", "cluster.kubernetes.serviceDnsTimeout")
                        : KubernetesDiscovery.DEFAULT_TIMEOUT;
                try {
                    return new KubernetesDiscovery(dns, timeout);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException("cluster.kubernetes." + e.getMessage());
                }
            }
            default -> throw new ConfigException("cluster.discovery: must be members or kubernetes, not " + discovery);
        }
    }

    /** {@code identity: { resource, issuers: [ { issuer, jwksUri, algorithms } ], mapping, signingKeyFile }}. */
    private IdentitySettings identity(JsonNode node, Path base) {
        unknownKeys(node, Set.of("resource", "issuers", "mapping", "signingKeyFile"), "identity.");
        String resource = text(node, "resource", "identity.resource");
        JsonNode list = node.get("issuers");
        if (list == null || list.isNull() || !list.isArray() || list.isEmpty()) {
            throw new ConfigException("identity.issuers: a list of at least one {issuer, jwksUri, algorithms} required");
        }
        List<IssuerSettings> issuers = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String path = "identity.issuers[" + i + "]";
            JsonNode n = list.get(i);
            if (!n.isObject()) {
                throw new ConfigException(path + ": must be a mapping");
            }
            unknownKeys(n, Set.of("issuer", "jwksUri", "algorithms", "keyRefresh"), path + ".");
            String issuer = text(n, "issuer", path + ".issuer");
            java.util.Optional<URI> jwksUri = java.util.Optional.empty();
            if (n.has("jwksUri")) {
                String raw = text(n, "jwksUri", path + ".jwksUri");
                try {
                    jwksUri = java.util.Optional.of(new URI(raw));
                } catch (URISyntaxException e) {
                    throw new ConfigException(path + ".jwksUri: not a URL: " + e.getReason());
                }
            }
            List<JwsAlgorithm> algorithms = new ArrayList<>();
            if (n.has("algorithms")) {
                List<String> names = strings(n.get("algorithms"), path + ".algorithms");
                if (names.isEmpty()) {
                    throw new ConfigException(path + ".algorithms: must name at least one algorithm (or be left out"
                            + " for the default " + JwsAlgorithm.DEFAULTS + ")");
                }
                for (int j = 0; j < names.size(); j++) {
                    try {
                        algorithms.add(JwsAlgorithm.parseSetting(names.get(j)));
                    } catch (IllegalArgumentException e) {
                        throw new ConfigException(path + ".algorithms[" + j + "]: " + e.getMessage());
                    }
                }
            }
            try {
                issuers.add(new IssuerSettings(issuer, jwksUri, algorithms, n.has("keyRefresh")
                        ? duration(n, "keyRefresh", path + ".keyRefresh") : IssuerSettings.DEFAULT_KEY_REFRESH));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(path + "." + e.getMessage());
            }
        }
        Path mapping = resolve(base, text(node, "mapping", "identity.mapping"));
        Optional<Path> signingKey = node.has("signingKeyFile")
                ? Optional.of(resolve(base, text(node, "signingKeyFile", "identity.signingKeyFile"))) : Optional.empty();
        try {
            return new IdentitySettings(resource, issuers, mapping, signingKey);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("identity." + e.getMessage());
        }
    }

    /** {@code risk: { high: { freshAuthorization: PT10M, approval: true, approvalTimeout: PT5M } }}. */
    private RiskRules riskRules(JsonNode node) {
        unknownKeys(node, Set.of("low", "medium", "high"), "risk.");
        Map<RiskTier, RiskRules.Rule> tiers = new java.util.EnumMap<>(RiskTier.class);
        for (RiskTier tier : RiskTier.values()) {
            String path = "risk." + tier.code();
            JsonNode t = object(node, tier.code(), path);
            if (t == null) {
                continue;
            }
            unknownKeys(t, Set.of("freshAuthorization", "approval", "approvalTimeout"), path + ".");
            java.util.Optional<Duration> fresh = t.has("freshAuthorization")
                    ? java.util.Optional.of(duration(t, "freshAuthorization", path + ".freshAuthorization"))
                    : java.util.Optional.empty();
            boolean approval = false;
            if (t.has("approval")) {
                if (!t.get("approval").isBoolean()) {
                    throw new ConfigException(path + ".approval: must be true or false");
                }
                approval = t.get("approval").asBoolean();
            }
            Duration timeout = t.has("approvalTimeout") ? duration(t, "approvalTimeout", path + ".approvalTimeout")
                    : RiskRules.Rule.DEFAULT_APPROVAL_TIMEOUT;
            try {
                tiers.put(tier, new RiskRules.Rule(fresh, approval, timeout));
            } catch (ConfigException e) {
                throw new ConfigException(path + ": " + e.getMessage());
            }
        }
        return new RiskRules(tiers);
    }

    /** {@code approvals: { showArguments, consoleUrl, webhooks: [ { url, secretFile, timeout } ] }}. */
    private ApprovalSettings approvalSettings(JsonNode node, Path base) {
        unknownKeys(node, Set.of("showArguments", "consoleUrl", "webhooks"), "approvals.");
        boolean show = false;
        if (node.has("showArguments")) {
            if (!node.get("showArguments").isBoolean()) {
                throw new ConfigException("approvals.showArguments: must be true or false");
            }
            show = node.get("showArguments").asBoolean();
        }
        Optional<URI> consoleUrl = node.has("consoleUrl")
                ? Optional.of(uri(text(node, "consoleUrl", "approvals.consoleUrl"), "approvals.consoleUrl"))
                : Optional.empty();
        List<WebhookSettings> webhooks = new ArrayList<>();
        JsonNode list = node.get("webhooks");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw new ConfigException("approvals.webhooks: must be a list of {url, secretFile, timeout}");
            }
            for (int i = 0; i < list.size(); i++) {
                String path = "approvals.webhooks[" + i + "]";
                JsonNode w = list.get(i);
                if (!w.isObject()) {
                    throw new ConfigException(path + ": must be a mapping");
                }
                unknownKeys(w, Set.of("url", "secretFile", "timeout"), path + ".");
                URI url = uri(text(w, "url", path + ".url"), path + ".url");
                Path secret = resolve(base, text(w, "secretFile", path + ".secretFile"));
                Duration timeout = w.has("timeout") ? duration(w, "timeout", path + ".timeout")
                        : WebhookSettings.DEFAULT_TIMEOUT;
                try {
                    webhooks.add(new WebhookSettings(url, secret, timeout));
                } catch (ConfigException e) {
                    throw new ConfigException(path + "." + e.getMessage());
                }
            }
        }
        return new ApprovalSettings(show, consoleUrl, webhooks);
    }

    private static URI uri(String value, String path) {
        try {
            return new URI(value);
        } catch (URISyntaxException e) {
            throw new ConfigException(path + ": not a URL: " + e.getReason());
        }
    }

    /** The rate-limit and drift parts of {@code limits:}; what is not given keeps its default. */
    private LimitSettings limitSettings(JsonNode limits) {
        LimitSettings settings = LimitSettings.defaults();
        if (limits.has("perCaller")) settings = settings.withPerCaller(rateLimit(limits.get("perCaller"), "limits.perCaller"));
        if (limits.has("perTool")) settings = settings.withPerTool(rateLimit(limits.get("perTool"), "limits.perTool"));
        if (limits.has("scope")) {
            try {
                settings = settings.withScope(LimitScope.parse(text(limits, "scope", "limits.scope")));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("limits.scope: " + e.getMessage());
            }
        }
        JsonNode drift = object(limits, "drift", "limits.drift");
        if (drift != null) {
            unknownKeys(drift, Set.of("maxDenials", "window"), "limits.drift.");
            if (!drift.has("maxDenials") || !drift.has("window")) {
                throw new ConfigException("limits.drift: needs maxDenials and window");
            }
            try {
                settings = settings.withDrift(new DriftThreshold(integer(drift, "maxDenials", "limits.drift.maxDenials"),
                        duration(drift, "window", "limits.drift.window")));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("limits.drift: " + e.getMessage());
            }
        }
        return settings;
    }

    /** {@code {ratePerSecond, burst}}, or {@code false} for no limit. */
    private static RateLimit rateLimit(JsonNode node, String path) {
        if (node.isBoolean() && !node.asBoolean()) {
            return null;
        }
        if (!node.isObject()) {
            throw new ConfigException(path + ": must be { ratePerSecond, burst } or false");
        }
        unknownKeys(node, Set.of("ratePerSecond", "burst"), path + ".");
        JsonNode rate = node.get("ratePerSecond");
        if (rate == null || !rate.isNumber()) {
            throw new ConfigException(path + ".ratePerSecond: must be a number");
        }
        if (!node.has("burst")) {
            throw new ConfigException(path + ".burst: required");
        }
        try {
            return new RateLimit(rate.asDouble(), integer(node, "burst", path + ".burst"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(path + ": " + e.getMessage());
        }
    }

    /** clientAuth defaults to REQUIRED when a client CA is given (strict), else NONE. */
    private GatewayConfig.Tls tls(JsonNode node, Path base) {
        unknownKeys(node, Set.of("certFile", "keyFile", "clientCaFile", "clientAuth"), "tls.");
        Path cert = resolve(base, text(node, "certFile", "tls.certFile"));
        Path key = resolve(base, text(node, "keyFile", "tls.keyFile"));
        java.util.Optional<Path> ca = node.has("clientCaFile")
                ? java.util.Optional.of(resolve(base, text(node, "clientCaFile", "tls.clientCaFile")))
                : java.util.Optional.empty();
        GatewayConfig.ClientAuth auth = ca.isPresent() ? GatewayConfig.ClientAuth.REQUIRED : GatewayConfig.ClientAuth.NONE;
        if (node.has("clientAuth")) {
            String value = text(node, "clientAuth", "tls.clientAuth");
            try {
                auth = GatewayConfig.ClientAuth.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("tls.clientAuth: must be NONE, REQUEST or REQUIRED, not " + value);
            }
        }
        return new GatewayConfig.Tls(cert, key, ca, auth);
    }

    private void applyEnv(GatewayConfig.Builder b) {
        envValue("WARRANT_HOST", s -> s).ifPresent(b::host);
        envValue("WARRANT_PORT", s -> parseInt(s, "WARRANT_PORT")).ifPresent(b::port);
        envValue("WARRANT_EVENT_LOOPS", s -> parseInt(s, "WARRANT_EVENT_LOOPS")).ifPresent(b::eventLoops);
        envValue("WARRANT_STATE_DIR", Path::of).ifPresent(b::stateDir);
        envValue("WARRANT_CLUSTER_NAME", s -> s).ifPresent(b::clusterName);
        envValue("WARRANT_CLUSTER_PORT", s -> parseInt(s, "WARRANT_CLUSTER_PORT")).ifPresent(b::clusterPort);
        envValue("WARRANT_CLUSTER_MEMBERS", s -> List.of(s.split("\\s*,\\s*"))).ifPresent(b::clusterMembers);
        envValue("WARRANT_LISTS_PAGE_SIZE", s -> parseInt(s, "WARRANT_LISTS_PAGE_SIZE")).ifPresent(b::listPageSize);
    }

    private <T> java.util.Optional<T> envValue(String name, Function<String, T> parse) {
        String value = env.get(name);
        return value == null || value.isBlank() ? java.util.Optional.empty() : java.util.Optional.of(parse.apply(value.trim()));
    }

    private static int parseInt(String s, String name) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new ConfigException(name + ": not an integer: " + s);
        }
    }

    private List<RootPublicKey> keys(JsonNode node, Path base) {
        if (node == null) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new ConfigException("keys: must be a list of {id, publicKey | publicKeyFile}");
        }
        List<RootPublicKey> keys = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String path = "keys[" + i + "]";
            JsonNode k = node.get(i);
            if (!k.isObject()) {
                throw new ConfigException(path + ": must be a mapping");
            }
            unknownKeys(k, Set.of("id", "publicKey", "publicKeyFile"), path + ".");
            String hex;
            if (k.has("publicKey")) {
                hex = text(k, "publicKey", path + ".publicKey");
            } else if (k.has("publicKeyFile")) {
                Path file = resolve(base, text(k, "publicKeyFile", path + ".publicKeyFile"));
                try {
                    hex = Files.readString(file).trim();
                } catch (IOException e) {
                    throw new ConfigException(path + ".publicKeyFile: cannot read " + file);
                }
            } else {
                throw new ConfigException(path + ": publicKey or publicKeyFile required");
            }
            // Without an id, the key gets the id 'warrant keygen' and the demo give it (derived from the key),
            // so tokens they mint are recognised.
            String id = k.has("id") ? text(k, "id", path + ".id") : null;
            try {
                keys.add(new RootPublicKey(id == null ? KeyFiles.defaultKeyId(hex) : id, hex));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(path + ": " + e.getMessage());
            }
        }
        return keys;
    }

    private List<GatewayConfig.Upstream> upstreams(JsonNode node, Path base) {
        if (node == null) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new ConfigException("upstreams: must be a list");
        }
        List<GatewayConfig.Upstream> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String path = "upstreams[" + i + "]";
            JsonNode u = node.get(i);
            if (!u.isObject()) {
                throw new ConfigException(path + ": must be a mapping");
            }
            unknownKeys(u, Set.of("name", "stdio", "http", "sse", "timeout", "maxConcurrent", "risk"), path + ".");
            String name = text(u, "name", path + ".name");
            Duration timeout = u.has("timeout") ? duration(u, "timeout", path + ".timeout") : Duration.ofSeconds(60);
            int maxConcurrent = u.has("maxConcurrent") ? integer(u, "maxConcurrent", path + ".maxConcurrent")
                    : UpstreamSpec.DEFAULT_MAX_CONCURRENT;
            UpstreamSpec spec;
            try {
                int transports = (u.has("stdio") ? 1 : 0) + (u.has("http") ? 1 : 0) + (u.has("sse") ? 1 : 0);
                if (transports != 1) {
                    throw new ConfigException(path + ": exactly one of stdio, http or sse required");
                } else if (u.has("stdio")) {
                    JsonNode s = requiredObject(u, "stdio", path + ".stdio");
                    unknownKeys(s, Set.of("command", "args", "env"), path + ".stdio.");
                    spec = new StdioUpstreamSpec(name, text(s, "command", path + ".stdio.command"),
                            s.has("args") ? strings(s.get("args"), path + ".stdio.args") : List.of(),
                            s.has("env") ? stringMap(s.get("env"), path + ".stdio.env") : Map.of(), timeout,
                            maxConcurrent);
                } else {
                    // http (Streamable HTTP) and sse (legacy HTTP+SSE) take the same settings.
                    String kind = u.has("http") ? "http" : "sse";
                    JsonNode h = requiredObject(u, kind, path + "." + kind);
                    unknownKeys(h, Set.of("url", "headers"), path + "." + kind + ".");
                    String rawUrl = text(h, "url", path + "." + kind + ".url");
                    URI url;
                    try {
                        url = new URI(rawUrl);
                    } catch (URISyntaxException e) {
                        throw new ConfigException(path + "." + kind + ".url: not a URL: " + e.getReason());
                    }
                    Map<String, String> headers = h.has("headers")
                            ? stringMap(h.get("headers"), path + "." + kind + ".headers") : Map.of();
                    spec = kind.equals("http") ? new HttpUpstreamSpec(name, url, headers, timeout, maxConcurrent)
                            : new SseUpstreamSpec(name, url, headers, timeout, maxConcurrent);
                }
            } catch (IllegalArgumentException e) {
                throw new ConfigException(path + ": " + e.getMessage());
            }
            Map<String, RiskTier> risks = new LinkedHashMap<>();
            if (u.has("risk")) {
                stringMap(u.get("risk"), path + ".risk").forEach((tool, tier) -> {
                    try {
                        risks.put(tool, RiskTier.parse(tier));
                    } catch (IllegalArgumentException e) {
                        throw new ConfigException(path + ".risk." + tool + ": " + e.getMessage());
                    }
                });
            }
            out.add(new GatewayConfig.Upstream(spec, risks));
        }
        return out;
    }

    /** {@code ${env:NAME}} in a value is replaced from the environment: secrets stay out of the file. */
    private String interpolate(String value, String path) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < value.length()) {
            int start = value.indexOf("${env:", i);
            if (start < 0) {
                out.append(value, i, value.length());
                break;
            }
            int end = value.indexOf('}', start);
            if (end < 0) {
                throw new ConfigException(path + ": unterminated ${env:...}");
            }
            String name = value.substring(start + 6, end);
            String replacement = env.get(name);
            if (replacement == null) {
                throw new ConfigException(path + ": environment variable " + name + " is not set");
            }
            out.append(value, i, start).append(replacement);
            i = end + 1;
        }
        return out.toString();
    }

    /** {@code console.signIn}: every field but {@code scope} is required. */
    private dev.warrant.gateway.console.IdpSignInSettings idpSignIn(JsonNode node, Path base) {
        unknownKeys(node, Set.of("issuer", "clientId", "clientSecretFile", "redirectUri", "scope"), "console.signIn.");
        return new dev.warrant.gateway.console.IdpSignInSettings(
                text(node, "issuer", "console.signIn.issuer"),
                text(node, "clientId", "console.signIn.clientId"),
                resolve(base, text(node, "clientSecretFile", "console.signIn.clientSecretFile")),
                dev.warrant.gateway.console.IdpSignInSettings.redirectUri(
                        text(node, "redirectUri", "console.signIn.redirectUri")),
                node.has("scope") ? text(node, "scope", "console.signIn.scope") : "");
    }

    private static Path resolve(Path base, String value) {
        Path p = Path.of(value);
        return p.isAbsolute() || base == null ? p : base.resolve(p).normalize();
    }

    /** The mapping at {@code key}, or null when it is absent or empty. */
    private static JsonNode object(JsonNode parent, String key) {
        return object(parent, key, key);
    }

    private static JsonNode object(JsonNode parent, String key, String path) {
        JsonNode node = parent.get(key);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new ConfigException(path + ": must be a mapping");
        }
        return node;
    }

    /** The mapping at {@code key}; present but empty ({@code stdio:}) is an error too. */
    private static JsonNode requiredObject(JsonNode parent, String key, String path) {
        JsonNode node = object(parent, key, path);
        if (node == null) {
            throw new ConfigException(path + ": must be a mapping");
        }
        return node;
    }

    /**
     * SnakeYAML messages span several lines and quote the offending source (which may hold a secret):
     * keep the unindented lines (what was wrong), drop the indented ones (positions and excerpts).
     */
    private static String oneLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        StringBuilder out = new StringBuilder();
        for (String line : message.split("\\R")) {
            if (line.isBlank() || Character.isWhitespace(line.charAt(0))) {
                continue;
            }
            if (out.length() > 0) {
                out.append("; ");
            }
            out.append(line.strip());
        }
        return out.length() == 0 ? message.strip().replaceAll("\\s+", " ") : out.toString();
    }

    private String text(JsonNode parent, String key, String path) {
        JsonNode node = parent.get(key);
        if (node == null || node.isNull()) {
            throw new ConfigException(path + ": required");
        }
        if (!node.isValueNode()) {
            throw new ConfigException(path + ": must be a string");
        }
        String value = node.asText();
        if (value.isBlank()) {
            throw new ConfigException(path + ": must not be empty");
        }
        return interpolate(value, path);
    }

    private AuditSettings auditSettings(JsonNode audit) {
        AuditSettings d = AuditSettings.defaults();
        long maxFileBytes = d.maxFileBytes();
        if (audit.has("maxFileBytes")) {
            JsonNode n = audit.get("maxFileBytes");
            if (!n.isIntegralNumber() || !n.canConvertToLong()) {
                throw new ConfigException("audit.maxFileBytes: must be an integer");
            }
            maxFileBytes = n.asLong();
        }
        int maxFiles = audit.has("maxFiles") ? integer(audit, "maxFiles", "audit.maxFiles") : d.maxFiles();
        boolean includeArguments = d.includeArguments();
        if (audit.has("includeArguments")) {
            if (!audit.get("includeArguments").isBoolean()) {
                throw new ConfigException("audit.includeArguments: must be true or false");
            }
            includeArguments = audit.get("includeArguments").asBoolean();
        }
        boolean refuse = d.refuseWhenFailing();
        if (audit.has("onFailure")) {
            JsonNode node = audit.get("onFailure");
            String onFailure = node.isTextual() ? node.asText() : "";
            if (!onFailure.equals("refuse") && !onFailure.equals("answer")) {
                throw new ConfigException("audit.onFailure: must be refuse or answer");
            }
            refuse = onFailure.equals("refuse");
        }
        int checkpointEvery = audit.has("checkpointEvery")
                ? integer(audit, "checkpointEvery", "audit.checkpointEvery") : d.checkpointEvery();
        Duration checkpointInterval = audit.has("checkpointInterval")
                ? duration(audit, "checkpointInterval", "audit.checkpointInterval") : d.checkpointInterval();
        boolean receipts = d.receipts();
        if (audit.has("receipts")) {
            if (!audit.get("receipts").isBoolean()) {
                throw new ConfigException("audit.receipts: must be true or false");
            }
            receipts = audit.get("receipts").asBoolean();
        }
        try {
            return new AuditSettings(maxFileBytes, maxFiles, includeArguments, refuse, checkpointEvery,
                    checkpointInterval, receipts);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    private static int integer(JsonNode parent, String key, String path) {
        JsonNode node = parent.get(key);
        if (node == null || !node.canConvertToInt() || !node.isIntegralNumber()) {
            throw new ConfigException(path + ": must be an integer");
        }
        return node.asInt();
    }

    private static boolean bool(JsonNode parent, String key, String path) {
        JsonNode v = parent.get(key);
        if (!v.isBoolean()) {
            throw new ConfigException(path + ": must be true or false");
        }
        return v.asBoolean();
    }

    private Duration duration(JsonNode parent, String key, String path) {
        String value = text(parent, key, path);
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new ConfigException(path + ": not an ISO-8601 duration (e.g. PT30S, PT1H): " + value);
        }
    }

    private List<String> strings(JsonNode node, String path) {
        if (node == null || !node.isArray()) {
            throw new ConfigException(path + ": must be a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode v = node.get(i);
            if (!v.isValueNode() || v.isNull()) {
                throw new ConfigException(path + "[" + i + "]: must be a string");
            }
            out.add(interpolate(v.asText(), path + "[" + i + "]"));
        }
        return out;
    }

    private Map<String, String> stringMap(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw new ConfigException(path + ": must be a mapping of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (!f.getValue().isValueNode() || f.getValue().isNull()) {
                throw new ConfigException(path + "." + f.getKey() + ": must be a string");
            }
            out.put(f.getKey(), interpolate(f.getValue().asText(), path + "." + f.getKey()));
        }
        return out;
    }

    private static void unknownKeys(JsonNode node, Set<String> known, String prefix) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new ConfigException(prefix + name + ": unknown setting (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }
}
