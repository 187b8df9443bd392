"""A dual-era MCP server on the official Python SDK (mcp 2.3.0), the upstream of Warrant's era tests.

Serves 2025 (initialize + sessions) and 2026-07-28 (stateless) on one Streamable HTTP endpoint, loopback only.
Prints `LISTENING <url>` once it accepts connections.

Tools: echo(text); regional(region, query) whose `region` carries x-mcp-header Region; ask_name_resolved()
which asks the client for a name (an elicitation/create request in 2025, input_required in 2026); slow(steps)
with progress and log messages. Resource fixture://hello, prompt greet(who).
"""

from __future__ import annotations

import argparse
import socket
from typing import Annotated

import uvicorn
from mcp.server.mcpserver import Context, Elicit, MCPServer, Resolve
from pydantic import BaseModel, Field

mcp = MCPServer(name="fixture", version="1.0.0", instructions="Fixture upstream for Warrant tests.")


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


class Name(BaseModel):
    name: str


def _ask(ctx: Context) -> Elicit[Name]:
    return Elicit("What is your name?", Name)


@mcp.tool()
async def ask_name_resolved(who: Annotated[Name, Resolve(_ask)]) -> str:
    """Asks the caller for a name, in whichever era the call came."""
    return f"Hello, {who.name}"


@mcp.tool()
async def slow(steps: int, ctx: Context) -> str:
    """Reports progress per step and logs each step."""
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()
    port = args.port
    if port == 0:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
    app = mcp.streamable_http_app(host="127.0.0.1")
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)

    original_startup = server.startup

    async def startup(sockets=None):
        await original_startup(sockets)
        print(f"LISTENING http://127.0.0.1:{port}/mcp", flush=True)

    server.startup = startup
    server.run()


if __name__ == "__main__":
    main()
