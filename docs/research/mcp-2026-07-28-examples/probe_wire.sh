#!/usr/bin/env bash
# Raw-HTTP probes of a 2026-07-28 endpoint (default: the SDK fixture server). Usage: probe_wire.sh URL
# Prints, per case: HTTP status, content-type, body. Used to record the SDK server's answers in the notes.
URL=${1:?url}
META='"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"probe","version":"0"}}'
p() { # name, extra curl args..., body
  local name=$1; shift; local body=${@: -1}; set -- "${@:1:$(($#-1))}"
  echo "## $name"
  curl -s -o /tmp/probe.body -D /tmp/probe.hdr -X POST "$URL" -H 'content-type: application/json' \
    -H 'accept: application/json, text/event-stream' "$@" --data "$body" --max-time 5
  echo "status=$(head -1 /tmp/probe.hdr | cut -d' ' -f2) $(grep -i -E '^(content-type|mcp-session-id|allow):' /tmp/probe.hdr | tr -d '\r' | tr '\n' ' ')"
  echo "body=$(head -c 600 /tmp/probe.body)"; echo
}
H26=(-H 'mcp-protocol-version: 2026-07-28')
p "ok tools/list" "${H26[@]}" -H 'mcp-method: tools/list' "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{$META}}"
p "missing Mcp-Method" "${H26[@]}" "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\",\"params\":{$META}}"
p "Mcp-Method mismatch" "${H26[@]}" -H 'mcp-method: prompts/list' "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\",\"params\":{$META}}"
p "missing Mcp-Name on tools/call" "${H26[@]}" -H 'mcp-method: tools/call' "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"x\"},$META}}"
p "Mcp-Name mismatch" "${H26[@]}" -H 'mcp-method: tools/call' -H 'mcp-name: regional' "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"x\"},$META}}"
p "Mcp-Name base64 sentinel ok" "${H26[@]}" -H 'mcp-method: tools/call' -H 'mcp-name: =?base64?ZWNobw==?=' "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"x\"},$META}}"
p "Mcp-Param-Region missing" "${H26[@]}" -H 'mcp-method: tools/call' -H 'mcp-name: regional' "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"regional\",\"arguments\":{\"region\":\"eu\",\"query\":\"q\"},$META}}"
p "Mcp-Param-Region mismatch" "${H26[@]}" -H 'mcp-method: tools/call' -H 'mcp-name: regional' -H 'mcp-param-region: us' "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/call\",\"params\":{\"name\":\"regional\",\"arguments\":{\"region\":\"eu\",\"query\":\"q\"},$META}}"
p "MCP-Protocol-Version header != _meta" -H 'mcp-protocol-version: 2026-07-28' -H 'mcp-method: tools/list' "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/list\",\"params\":{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2027-01-01\",\"io.modelcontextprotocol/clientCapabilities\":{}}}}"
p "unsupported version (header+meta 2099-01-01)" -H 'mcp-protocol-version: 2099-01-01' -H 'mcp-method: tools/list' "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"tools/list\",\"params\":{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2099-01-01\",\"io.modelcontextprotocol/clientCapabilities\":{}}}}"
p "missing _meta clientCapabilities" "${H26[@]}" -H 'mcp-method: tools/list' "{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"tools/list\",\"params\":{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"}}}"
p "modern request carrying Mcp-Session-Id" "${H26[@]}" -H 'mcp-method: tools/list' -H 'mcp-session-id: abc' "{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"tools/list\",\"params\":{$META}}"
p "ping at 2026" "${H26[@]}" -H 'mcp-method: ping' "{\"jsonrpc\":\"2.0\",\"id\":13,\"method\":\"ping\",\"params\":{$META}}"
p "logging/setLevel at 2026" "${H26[@]}" -H 'mcp-method: logging/setLevel' "{\"jsonrpc\":\"2.0\",\"id\":14,\"method\":\"logging/setLevel\",\"params\":{\"level\":\"info\",$META}}"
p "initialize with 2026 header" "${H26[@]}" -H 'mcp-method: initialize' "{\"jsonrpc\":\"2.0\",\"id\":15,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2026-07-28\",\"capabilities\":{},\"clientInfo\":{\"name\":\"p\",\"version\":\"0\"},$META}}"
p "unknown method" "${H26[@]}" -H 'mcp-method: foo/bar' "{\"jsonrpc\":\"2.0\",\"id\":16,\"method\":\"foo/bar\",\"params\":{$META}}"
p "resource not found" "${H26[@]}" -H 'mcp-method: resources/read' -H 'mcp-name: fixture://nope' "{\"jsonrpc\":\"2.0\",\"id\":17,\"method\":\"resources/read\",\"params\":{\"uri\":\"fixture://nope\",$META}}"
p "unknown tool" "${H26[@]}" -H 'mcp-method: tools/call' -H 'mcp-name: nope' "{\"jsonrpc\":\"2.0\",\"id\":18,\"method\":\"tools/call\",\"params\":{\"name\":\"nope\",\"arguments\":{},$META}}"
p "forged requestState" "${H26[@]}" -H 'mcp-method: tools/call' -H 'mcp-name: ask_name' "{\"jsonrpc\":\"2.0\",\"id\":19,\"method\":\"tools/call\",\"params\":{\"name\":\"ask_name\",\"arguments\":{},\"requestState\":\"v1.AAAA\",\"inputResponses\":{\"name\":{\"action\":\"accept\",\"content\":{\"name\":\"x\"}}},$META}}"
p "notification POST at 2026" "${H26[@]}" -H 'mcp-method: notifications/cancelled' "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":1}}"
p "server/discover" "${H26[@]}" -H 'mcp-method: server/discover' "{\"jsonrpc\":\"2.0\",\"id\":20,\"method\":\"server/discover\",\"params\":{$META}}"
p "server/discover with NO version header (legacy path)" -H 'mcp-method: server/discover' "{\"jsonrpc\":\"2.0\",\"id\":21,\"method\":\"server/discover\",\"params\":{$META}}"
p "batch body" "${H26[@]}" -H 'mcp-method: tools/list' "[{\"jsonrpc\":\"2.0\",\"id\":22,\"method\":\"tools/list\",\"params\":{$META}}]"
for m in GET DELETE; do echo "## $m with 2026 header"; curl -s -o /dev/null -w 'status=%{http_code}\n\n' -X $m "$URL" -H 'mcp-protocol-version: 2026-07-28' -H 'accept: text/event-stream' --max-time 3; done
