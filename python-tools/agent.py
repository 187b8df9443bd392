"""An MCP agent on the official Python SDK (mcp 2.3.0), driven by Warrant's era tests.

Usage: agent.py URL (--bearer TOKEN | --oauth-client-id ID --oauth-issuer ISSUER)
                [--mode auto|legacy|2026-07-28] [--log-level LEVEL] STEP...

With --oauth-client-id (the secret in the environment variable OAUTH_CLIENT_SECRET, kept off the command line),
the SDK's own client-credentials support (ClientCredentialsOAuthProvider) gets the token: on the gateway's 401 it
reads the protected resource metadata and the issuer's metadata, asks the token endpoint (client_secret_basic,
RFC 8707 resource) and retries with the bearer. It sends the credentials only to ISSUER's token endpoint.

Steps: list, call:<tool>:<json arguments>, read:<uri>, prompt:<name>:<json arguments>, listen (opens a
subscriptions/listen stream for tool and prompt list changes, reports what was honoured, closes it),
watch:<touch tool>:<uri> (listens for changes of <uri>, calls <touch tool> with {"uri": <uri>} and reports the first
resource update the stream brings, or none within 20 s), repeat:<tool>:<count> (calls <tool> with {"text": "py-<i>"}
<count> times, going on after failures, and opening a new client when the SDK's own one ends with its connection
(as an agent would); {"event": "progress", "done": n} every 100 calls, then the counts). repeat is the only step of
its run.
Prints one JSON object per line: first {"step": "connect", ...}, then one per step with what came back (a call's
result _meta under "meta"), or {"error": ..., "code": ..., "data": ...} when the step failed, then {"step": "done"}.
Exit 0 when it got that far.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys

import anyio

from mcp import Client
from mcp.client.auth.extensions.client_credentials import ClientCredentialsOAuthProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp.shared.auth import OAuthClientInformationFull, OAuthToken
from mcp_types import ElicitResult

events: list[dict] = []


def emit(obj: dict) -> None:
    print(json.dumps(obj), flush=True)


async def on_elicit(context, params):
    emit({"event": "elicitation", "message": params.message})
    return ElicitResult(action="accept", content={"name": "Ada"})


async def on_log(params):
    emit({"event": "log", "level": params.level, "data": params.data})


async def run_step(client: Client, step: str) -> dict:
    kind, _, rest = step.partition(":")
    if kind == "list":
        tools = await client.list_tools()
        return {"step": step, "tools": [t.name for t in tools.tools],
                "ttlMs": getattr(tools, "ttl_ms", None), "cacheScope": getattr(tools, "cache_scope", None)}
    if kind == "call":
        name, _, args = rest.partition(":")
        progress: list[list] = []

        async def on_progress(p, total, message):
            progress.append([p, total, message])

        result = await client.call_tool(name, json.loads(args or "{}"), progress_callback=on_progress)
        text = "".join(getattr(c, "text", "") for c in result.content)
        return {"step": step, "text": text, "isError": bool(result.is_error), "progress": progress,
                "meta": getattr(result, "meta", None)}
    if kind == "read":
        res = await client.read_resource(rest)
        return {"step": step, "text": res.contents[0].text}
    if kind == "prompt":
        name, _, args = rest.partition(":")
        res = await client.get_prompt(name, json.loads(args or "{}"))
        return {"step": step, "text": res.messages[0].content.text}
    if kind == "listen":
        async with client.listen(tools_list_changed=True, prompts_list_changed=True) as sub:
            honored = sub.honored
            return {"step": step, "honored": {"tools": honored.tools_list_changed,
                                              "prompts": honored.prompts_list_changed}}
    if kind == "watch":
        tool, _, uri = rest.partition(":")
        async with client.listen(resource_subscriptions=[uri]) as sub:
            honored = list(sub.honored.resource_subscriptions or [])
            seen = None
            if honored:
                await client.call_tool(tool, {"uri": uri})
                with anyio.move_on_after(20):
                    async for event in sub:
                        seen = getattr(event, "uri", None)
                        break
            return {"step": step, "honored": honored, "updated": seen}
    raise ValueError(f"unknown step {step}")


class MemoryTokenStorage:
    """Tokens for this process only: the SDK asks the issuer again in the next run."""

    def __init__(self) -> None:
        self.tokens: OAuthToken | None = None
        self.client_info: OAuthClientInformationFull | None = None

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client_info

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client_info = client_info


oauth_storage = MemoryTokenStorage()


def connect(args) -> Client:
    if args.bearer:
        http_client = create_mcp_http_client(headers={"Authorization": f"Bearer {args.bearer}"})
    else:
        # One storage per run, so a new client of the repeat step reuses the token it already has.
        http_client = create_mcp_http_client(auth=ClientCredentialsOAuthProvider(
            server_url=args.url, storage=oauth_storage, client_id=args.oauth_client_id,
            client_secret=os.environ["OAUTH_CLIENT_SECRET"], issuer=args.oauth_issuer))
    transport = streamable_http_client(args.url, http_client=http_client)
    return Client(transport, mode=args.mode, elicitation_callback=on_elicit, logging_callback=on_log,
                  log_level=args.log_level, cache=None)


async def repeat(args, step: str) -> dict:
    tool, _, count = step.removeprefix("repeat:").partition(":")
    total, done, ok, failures, connected = int(count), 0, 0, [], False
    while done < total:
        try:
            async with connect(args) as client:
                if not connected:
                    connected = True
                    emit({"step": "connect", "version": client.protocol_version, "serverName": None})
                while done < total:
                    try:
                        result = await client.call_tool(tool, {"text": f"py-{done}"})
                        text = "".join(getattr(c, "text", "") for c in result.content)
                        if result.is_error or text != f"py-{done}":
                            failures.append(f"call {done}: {text}")
                        else:
                            ok += 1
                    except Exception as e:  # one lost call is counted, and the run goes on
                        failures.append(f"call {done}: {e}")
                    done += 1
                    if done % 100 == 0:
                        emit({"event": "progress", "done": done})
        except BaseException as e:  # the SDK ends its client when a connection drops mid-request
            if isinstance(e, (KeyboardInterrupt, SystemExit)):
                raise
            failures.append(f"call {done}: client ended: {type(e).__name__}")
            done += 1
    return {"step": step, "ok": ok, "failed": len(failures), "failures": failures[:10]}


async def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    credentials = ap.add_mutually_exclusive_group(required=True)
    credentials.add_argument("--bearer")
    credentials.add_argument("--oauth-client-id")
    ap.add_argument("--oauth-issuer")
    ap.add_argument("--mode", default="auto")
    ap.add_argument("--log-level", default=None)
    ap.add_argument("steps", nargs="*")
    args = ap.parse_intermixed_args()
    if args.oauth_client_id and not (args.oauth_issuer and os.environ.get("OAUTH_CLIENT_SECRET")):
        ap.error("--oauth-client-id needs --oauth-issuer and the environment variable OAUTH_CLIENT_SECRET")

    if len(args.steps) == 1 and args.steps[0].startswith("repeat:"):
        emit(await repeat(args, args.steps[0]))
        emit({"step": "done"})
        return 0
    async with connect(args) as client:
        info = client.server_info
        emit({"step": "connect", "version": client.protocol_version,
              "serverName": getattr(info, "name", None) if info else None})
        for step in args.steps:
            try:
                emit(await run_step(client, step))
            except Exception as e:  # one failed step is a result to assert on, not the end of the run
                error = getattr(e, "error", None)
                emit({"step": step, "error": str(e), "code": getattr(error, "code", None),
                      "data": getattr(error, "data", None)})
    emit({"step": "done"})
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
