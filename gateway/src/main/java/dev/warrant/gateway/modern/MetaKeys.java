package dev.warrant.gateway.modern;

import dev.warrant.adapters.ModernWire;

/**
 * The {@code _meta} keys of MCP 2026-07-28 the agent side reads or writes. The envelope's are the adapters' own
 * ({@link ModernWire}, which speaks them to upstreams); only the subscription id is the agent side's alone.
 */
public final class MetaKeys {

    private MetaKeys() {
    }

    public static final String PROTOCOL_VERSION = ModernWire.META_VERSION;
    public static final String CLIENT_CAPABILITIES = ModernWire.META_CAPABILITIES;
    public static final String CLIENT_INFO = ModernWire.META_CLIENT_INFO;
    public static final String LOG_LEVEL = ModernWire.META_LOG_LEVEL;
    public static final String SERVER_INFO = ModernWire.META_SERVER_INFO;
    public static final String SUBSCRIPTION_ID = "io.modelcontextprotocol/subscriptionId";
}
