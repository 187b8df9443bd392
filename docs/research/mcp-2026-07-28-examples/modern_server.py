"""Minimal dual-era MCP server on the Python SDK `mcp==2.3.0` (Streamable HTTP, loopback only).

Serves 2026-07-28 (stateless, per-request `_meta`) and 2025-xx (initialize + Mcp-Session-Id) on one
endpoint: the SDK routes on the `MCP-Protocol-Version` header (absent or a handshake-era version ->
legacy path; anything else -> modern path).

Fixture tools:
  echo(text)                 plain tool
  regional(region, query)    `region` carries `x-mcp-header: Region` -> clients send `Mcp-Param-Region`
  ask_name_resolved()        same through the SDK's Resolve/Elicit API, which works in BOTH eras
                             (2025 clients get a server->client elicitation/create request instead)
  ask_name()                 MRTR: first round returns InputRequiredResult (elicitation/create),
                             the retry carries inputResponses + (sealed) requestState.
                             Hand-written InputRequiredResult works for 2026 callers only: a 2025
                             caller gets -32603 "Handler returned an invalid result".
  slow(steps)                progress notifications (needs progressToken) + log messages (needs logLevel)
Also one resource (`fixture://hello`) and one prompt (`greet`).

Usage:
  modern_server.py [--port N] [--json] [--trace]
Prints `LISTENING http://127.0.0.1:<port>/mcp` on stdout once bound. `--trace` logs every HTTP exchange
(request line, MCP headers, body; response status, content-type, body) to stderr.
"""

from __future__ import annotations

import argparse
import socket
import sys
from typing import Annotated

import uvicorn
from mcp.server.mcpserver import Context, Elicit, MCPServer, Resolve
from mcp_types import (
    CallToolResult,
    ElicitRequest,
    ElicitRequestFormParams,
    InputRequiredResult,
    TextContent,
)
from pydantic import BaseModel, Field

mcp = MCPServer(name="fixture-modern", version="1.0.0", instructions="Fixture server for Warrant tests.")


@mcp.tool()
def echo(text: str) -> str:
    """Echo the text back."""
    return text


@mcp.tool()
def regional(
    region: Annotated[str, Field(json_schema_extra={"x-mcp-header": "Region"})],
    query: str,
) -> str:
    """A tool whose `region` argument is mirrored into the Mcp-Param-Region header."""
    return f"{region}: {query}"


@mcp.tool()
async def ask_name(ctx: Context) -> CallToolResult | InputRequiredResult:
    """Asks the caller for a name through MRTR, then greets."""
    responses = ctx.input_responses
    if not responses or "name" not in responses:
        return InputRequiredResult(
            input_requests={
                "name": ElicitRequest(
                    params=ElicitRequestFormParams(
                        message="What is your name?",
                        requested_schema={
                            "type": "object",
                            "properties": {"name": {"type": "string"}},
                            "required": ["name"],
                        },
                    )
                )
            },
            request_state="round-1",  # plaintext here; the SDK's RequestStateBoundary seals it on the wire
        )
    answer = responses["name"]
    content = getattr(answer, "content", None) or {}
    return CallToolResult(
        content=[TextContent(text=f"Hello, {content.get('name', '?')} (state was {ctx.request_state!r})")]
    )


class Name(BaseModel):
    name: str


def _ask(ctx: Context) -> Elicit[Name]:
    return Elicit("What is your name?", Name)


@mcp.tool()
async def ask_name_resolved(who: Annotated[Name, Resolve(_ask)]) -> str:
    """Dual-era elicitation: MRTR (InputRequiredResult) at 2026-07-28, elicitation/create request at 2025."""
    return f"Hello, {who.name}"


@mcp.tool()
async def slow(steps: int, ctx: Context) -> str:
    """Reports progress per step and logs (log lines only reach requests that set a logLevel)."""
    for i in range(steps):
        await ctx.report_progress(i + 1, steps, f"step {i + 1}")
        await ctx.info(f"did step {i + 1}")
    return f"done {steps}"


@mcp.resource("fixture://hello")
def hello() -> str:
    return "hello resource"


@mcp.prompt()
def greet(who: str) -> str:
    return f"Say hello to {who}"


class _Trace:
    """ASGI middleware that logs each HTTP exchange to stderr (for documenting the wire)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        hdrs = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        shown = {k: v for k, v in hdrs.items() if k.startswith("mcp") or k in ("accept", "content-type", "last-event-id")}
        chunks: list[bytes] = []

        async def rx():
            msg = await receive()
            if msg["type"] == "http.request":
                chunks.append(msg.get("body", b""))
                if not msg.get("more_body"):
                    print(f">>> {scope['method']} {scope['path']} {shown}\n    {b''.join(chunks).decode()}", file=sys.stderr)
            return msg

        async def tx(msg):
            if msg["type"] == "http.response.start":
                h = {k.decode().lower(): v.decode() for k, v in msg.get("headers", [])}
                keep = {k: v for k, v in h.items() if k in ("content-type", "mcp-session-id", "allow")}
                print(f"<<< {msg['status']} {keep}", file=sys.stderr)
            elif msg["type"] == "http.response.body" and msg.get("body"):
                print(f"    {msg['body'].decode(errors='replace').strip()}", file=sys.stderr)
            await send(msg)

        await self.app(scope, rx, tx)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--json", action="store_true", help="answer requests with application/json instead of SSE")
    ap.add_argument("--trace", action="store_true")
    args = ap.parse_args()
    port = args.port
    if port == 0:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
    app = mcp.streamable_http_app(json_response=args.json, host="127.0.0.1")
    if args.trace:
        app = _Trace(app)
    print(f"LISTENING http://127.0.0.1:{port}/mcp", flush=True)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
