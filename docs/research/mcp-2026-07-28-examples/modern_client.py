"""Minimal MCP client on the Python SDK `mcp==2.3.0` (Streamable HTTP).

Usage:
  modern_client.py URL [--mode auto|legacy|2026-07-28] [--bearer TOKEN] [--log-level info]

Connects, prints the negotiated version, lists tools, calls `echo`, `regional` (x-mcp-header),
`ask_name` (MRTR, answered by the elicitation callback) and `slow` (progress + log) when the server
has them, reads `fixture://hello`, opens a short `subscriptions/listen` on 2026-07-28.
Prints one line per step; exit code 0 when every step that ran succeeded.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp_types import ElicitResult


async def on_elicit(context, params):  # the SDK's ElicitationFnT: (ClientRequestContext, ElicitRequestParams)
    print(f"  elicitation asked: {params.message!r}")
    return ElicitResult(action="accept", content={"name": "Ada"})


async def on_log(params):
    print(f"  log[{params.level}]: {params.data}")


async def on_progress(progress, total, message):
    print(f"  progress {progress}/{total} {message}")


async def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--mode", default="auto")
    ap.add_argument("--bearer")
    ap.add_argument("--log-level", default=None)
    args = ap.parse_args()

    headers = {"Authorization": f"Bearer {args.bearer}"} if args.bearer else None
    transport = streamable_http_client(args.url, http_client=create_mcp_http_client(headers=headers))
    async with Client(
        transport,
        mode=args.mode,
        elicitation_callback=on_elicit,
        logging_callback=on_log,
        log_level=args.log_level,
        cache=None,  # every call reaches the server (the default honours ttlMs)
    ) as client:
        print(f"version={client.protocol_version} server_info={client.server_info}")
        tools = await client.list_tools()
        names = [t.name for t in tools.tools]
        print(f"tools={names} ttlMs={getattr(tools, 'ttl_ms', None)} cacheScope={getattr(tools, 'cache_scope', None)}")
        if "echo" in names:
            r = await client.call_tool("echo", {"text": "hi"})
            print(f"echo -> {r.content[0].text} isError={r.is_error}")
        if "regional" in names:
            r = await client.call_tool("regional", {"region": "eu-west1", "query": "select 1"})
            print(f"regional -> {r.content[0].text}")
        for tool in ("ask_name_resolved", "ask_name"):
            if tool in names:
                try:
                    r = await client.call_tool(tool, {})
                    print(f"{tool} -> {r.content[0].text}")
                except Exception as e:  # e.g. a hand-written InputRequiredResult on a 2025 connection
                    print(f"{tool} -> error {type(e).__name__}: {e}")
        if "slow" in names:
            r = await client.call_tool("slow", {"steps": 2}, progress_callback=on_progress)
            print(f"slow -> {r.content[0].text}")
        try:
            res = await client.read_resource("fixture://hello")
            print(f"resource -> {res.contents[0].text}")
        except Exception as e:  # the server may have no such resource
            print(f"resource -> error {e}")
        if client.protocol_version == "2026-07-28":
            async with client.listen(tools_list_changed=True) as sub:
                print(f"listen acknowledged honored={sub.honored}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
