package dev.warrant.gateway.upstream;

import java.util.Map;

/**
 * Where an authorized request other than tools/call goes: the upstream, the method, and the params to
 * send (the agent's params with the gateway's names mapped back to the upstream's own, nothing else
 * changed). Fixed by AuthorizeStage together with the decision, so forwarding can never reach an upstream
 * other than the one the decision was about.
 */
public record UpstreamRoute(String server, String method, Map<String, Object> params) {

    public UpstreamRoute {
        params = params == null ? null : java.util.Collections.unmodifiableMap(params);
    }
}
