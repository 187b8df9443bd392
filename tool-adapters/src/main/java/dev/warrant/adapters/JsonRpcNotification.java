package dev.warrant.adapters;

import java.util.Map;

/**
 * A JSON-RPC notification received from an upstream, as raw JSON ({@code Map}/{@code List}/{@code String}/
 * {@code Number}/{@code Boolean}/{@code null} trees): fields the gateway does not model survive untouched.
 *
 * @param params the notification's params, or an empty map when it had none
 */
public record JsonRpcNotification(String method, Map<String, Object> params) {

    public JsonRpcNotification {
        if (method == null) {
            throw new IllegalArgumentException("method");
        }
        params = params == null ? Map.of() : params;
    }
}
