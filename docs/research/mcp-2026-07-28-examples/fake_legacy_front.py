"""A front that makes the SDK fixture server look like a LEGACY-only (2025) server to a modern probe.

Every POST whose MCP-Protocol-Version is not a handshake-era version (i.e. the client's 2026 probe) is
answered with the configured rejection; everything else (initialize, 2025 traffic, GET/DELETE) is
forwarded verbatim to the upstream. Used to record how `Client(mode="auto")` falls back.

Usage: fake_legacy_front.py UPSTREAM_URL MODE [--port N]
MODE: 400-empty | 400-text | 400-jsonrpc | 404-empty | 405 | 200-method-not-found |
      32022-legacy-list | 32022-disjoint
Prints `LISTENING http://127.0.0.1:<port>/mcp`; logs each exchange to stderr.
"""

from __future__ import annotations

import argparse
import json
import socket
import sys

import httpx2
import uvicorn
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

LEGACY = {"2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"}


def rejection(mode: str, req_id) -> Response:
    def rpc(status: int, code: int, message: str, data=None) -> Response:
        err = {"code": code, "message": message}
        if data is not None:
            err["data"] = data
        return Response(json.dumps({"jsonrpc": "2.0", "id": req_id, "error": err}), status, media_type="application/json")

    if mode == "400-empty":
        return Response(status_code=400)
    if mode == "400-text":
        return Response("protocol_version_unsupported", 400, media_type="text/plain")
    if mode == "400-jsonrpc":
        return rpc(400, -32600, "Bad Request: Missing session ID")
    if mode == "404-empty":
        return Response(status_code=404)
    if mode == "405":
        return Response(status_code=405, headers={"Allow": "GET, DELETE"})
    if mode == "200-method-not-found":
        return rpc(200, -32601, "Method not found")
    if mode == "32022-legacy-list":
        return rpc(400, -32022, "Unsupported protocol version", {"supported": ["2025-11-25"], "requested": "2026-07-28"})
    if mode == "32022-disjoint":
        return rpc(400, -32022, "Unsupported protocol version", {"supported": ["2027-01-01"], "requested": "2026-07-28"})
    raise SystemExit(f"unknown mode {mode}")


def build(upstream: str, mode: str):
    client = httpx2.AsyncClient(timeout=30)

    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        body = await request.body()
        pv = request.headers.get("mcp-protocol-version")
        label = f"{request.method} pv={pv} method={request.headers.get('mcp-method')} sid={request.headers.get('mcp-session-id')}"
        if request.method == "POST" and pv is not None and pv not in LEGACY:
            try:
                req_id = json.loads(body).get("id")
            except ValueError:
                req_id = None
            resp = rejection(mode, req_id)
            print(f"{label} body={body.decode()[:160]} -> REJECTED {resp.status_code} {resp.body.decode()[:200]}", file=sys.stderr)
            await resp(scope, receive, send)
            return
        headers = {k: v for k, v in request.headers.items() if k not in ("host", "content-length")}
        up = await client.send(
            client.build_request(request.method, upstream, headers=headers, content=body), stream=True
        )
        print(f"{label} body={body.decode()[:160]} -> forwarded {up.status_code}", file=sys.stderr)
        out_headers = {k: v for k, v in up.headers.items() if k not in ("content-length", "transfer-encoding")}

        async def chunks():
            try:
                async for c in up.aiter_raw():
                    yield c
            finally:
                await up.aclose()

        await StreamingResponse(chunks(), status_code=up.status_code, headers=out_headers)(scope, receive, send)

    return app


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("upstream")
    ap.add_argument("mode")
    ap.add_argument("--port", type=int, default=0)
    a = ap.parse_args()
    port = a.port
    if port == 0:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
    print(f"LISTENING http://127.0.0.1:{port}/mcp", flush=True)
    uvicorn.run(build(a.upstream, a.mode), host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
