package dev.warrant.gateway.modern;

import dev.warrant.adapters.ModernWire;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.forward.SetLevelHandler;
import dev.warrant.gateway.pipeline.RoutingHeaders;
import dev.warrant.gateway.transport.JsonRpc;
import dev.warrant.gateway.transport.ProtocolVersions;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * What a 2026-07-28 request says about its client in {@code params._meta}, read once its routing headers
 * were checked against its body. It stands in for everything a 2025 session remembered: the version, the
 * declared capabilities (which decide what may be asked of the client) and the log level (which decides whether
 * log messages flow at all).
 *
 * @param version      the protocol version, one this endpoint serves
 * @param capabilities the client's declared capabilities ({@code {}} when none)
 * @param clientInfo   the client's self-description, or null (never used for a security decision)
 * @param logLevel     the lowest level of log messages the client wants, or null for none
 */
public record ModernEnvelope(String version, JsonObject capabilities, JsonObject clientInfo, String logLevel) {

    public ModernEnvelope {
        capabilities = capabilities == null ? new JsonObject() : capabilities;
    }

    /** Whether the client declared this capability (e.g. {@code elicitation}) in this request. */
    public boolean declares(String capability) {
        return capabilities.getValue(capability) instanceof JsonObject;
    }

    /** Whether the client declared the extension {@code id} (under {@code capabilities.extensions}). */
    public boolean declaresExtension(String id) {
        return capabilities.getValue("extensions") instanceof JsonObject extensions
                && extensions.getValue(id) instanceof JsonObject;
    }

    /** Whether a log message at {@code level} is wanted: only when the request set a level, and at or above it. */
    public boolean wantsLog(Object level) {
        if (logLevel == null || !(level instanceof String l)) {
            return false;
        }
        int index = SetLevelHandler.LEVELS.indexOf(l);
        return index >= 0 && index >= SetLevelHandler.LEVELS.indexOf(logLevel);
    }

    /**
     * Checks a 2026-07-28 request's headers against its body and reads its {@code _meta}, failing on the first
     * problem the way the revision orders them: a duplicated routing header or a header that disagrees with the
     * body is {@link Reason#HEADER_MISMATCH}; a missing or malformed {@code _meta} field is
     * {@link Reason#INVALID_PARAMS}; a version this endpoint does not serve is
     * {@link Reason#PROTOCOL_VERSION_UNSUPPORTED} naming the ones it does.
     */
    public static ModernEnvelope read(JsonRpc.Request request, String versionHeader, RoutingHeaders headers) {
        if (!headers.duplicated().isEmpty()) {
            throw mismatch("header sent more than once: " + String.join(", ", headers.duplicated()));
        }
        checkServed(versionHeader);
        JsonObject meta = request.params().getValue("_meta") instanceof JsonObject m ? m : null;
        if (meta == null || !meta.containsKey(MetaKeys.PROTOCOL_VERSION)) {
            throw WarrantException.of(Reason.INVALID_PARAMS, "params._meta is missing " + MetaKeys.PROTOCOL_VERSION);
        }
        if (!(meta.getValue(MetaKeys.PROTOCOL_VERSION) instanceof String version)) {
            throw WarrantException.of(Reason.INVALID_PARAMS, MetaKeys.PROTOCOL_VERSION + " must be a string");
        }
        if (!version.equals(versionHeader)) {
            throw mismatch(versionHeader == null ? "MCP-Protocol-Version is missing"
                    : "MCP-Protocol-Version does not match params._meta");
        }
        if (!request.method().equals(headers.method())) {
            throw mismatch(headers.method() == null ? "Mcp-Method is missing" : "Mcp-Method does not match the method");
        }
        String field = ModernWire.nameField(request.method());
        if (field != null && request.params().getValue(field) instanceof String named) {
            if (headers.name() == null) {
                throw mismatch("Mcp-Name is missing");
            }
            if (!ModernWire.decode(headers.name()).map(named::equals).orElse(false)) {
                throw mismatch("Mcp-Name does not match params." + field);
            }
        }
        if (!ProtocolVersions.isModern(version)) {
            throw unsupported(version);
        }
        if (!(meta.getValue(MetaKeys.CLIENT_CAPABILITIES) instanceof JsonObject capabilities)) {
            throw WarrantException.of(Reason.INVALID_PARAMS, "params._meta is missing " + MetaKeys.CLIENT_CAPABILITIES);
        }
        Object level = meta.getValue(MetaKeys.LOG_LEVEL);
        if (level != null && !(level instanceof String l && SetLevelHandler.LEVELS.contains(l))) {
            throw WarrantException.of(Reason.INVALID_PARAMS, MetaKeys.LOG_LEVEL + " must be one of " + SetLevelHandler.LEVELS);
        }
        Object info = meta.getValue(MetaKeys.CLIENT_INFO);
        return new ModernEnvelope(version, capabilities, info instanceof JsonObject i ? i : null, (String) level);
    }

    /**
     * Whether a {@code params._meta} key is part of the agent's envelope, which is not sent upstream: the gateway
     * speaks to each upstream in its own session or request, so the agent's version, capabilities and log level
     * are not the upstream's business.
     */
    public static boolean isEnvelopeKey(String key) {
        return key.equals(MetaKeys.PROTOCOL_VERSION) || key.equals(MetaKeys.CLIENT_CAPABILITIES)
                || key.equals(MetaKeys.CLIENT_INFO) || key.equals(MetaKeys.LOG_LEVEL);
    }

    /** A version header naming a version neither era serves: refused, naming the ones served. */
    public static void checkServed(String versionHeader) {
        if (versionHeader != null && !ProtocolVersions.isServed(versionHeader)) {
            throw unsupported(versionHeader);
        }
    }

    private static WarrantException unsupported(String version) {
        return WarrantException.of(Reason.PROTOCOL_VERSION_UNSUPPORTED, "unsupported protocol version: " + version,
                Map.of("supported", ProtocolVersions.ALL, "requested", version));
    }

    private static WarrantException mismatch(String detail) {
        return WarrantException.of(Reason.HEADER_MISMATCH, detail);
    }
}
