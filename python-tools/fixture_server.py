"""A dual-era MCP server on the official Python SDK (mcp 2.3.0), the upstream of Warrant's era tests.

Serves 2025 (initialize + sessions) and 2026-07-28 (stateless) on one Streamable HTTP endpoint, loopback only.
Prints `LISTENING <url>` once it accepts connections.

Tools: echo(text); regional(region, query) whose `region` carries x-mcp-header Region; ask_name_resolved()
which asks the client for a name (an elicitation/create request in 2025, input_required in 2026); slow(steps)
with progress and log messages. Resource fixture://hello, prompt greet(who).

The tasks extension (io.modelcontextprotocol/tasks), written here on the SDK's extension interface: to a client that
declared it, `job(text)` answers with a task, which completes when polled a second time; `job_asking(text)` answers
with a task that first needs a name (input_required, answered with tasks/update); `job_rude(text)` answers with a
task even to a client that did not declare the extension (a misbehaving server). `cancelled_tasks()` lists the ids of
the tasks that tasks/cancel reached, so a test can see a cancellation arrive. `touch(uri)` announces that a resource
changed (`notifications/resources/updated` to the subscribers of that URI).
"""

from __future__ import annotations

import argparse
import datetime
import secrets
import socket
from typing import Annotated, Any

import uvicorn
from mcp.server.extension import Extension, MethodBinding
from mcp.server.mcpserver import Context, Elicit, MCPServer, Resolve
from mcp.server.mcpserver.server import require_client_extension
from mcp.shared.exceptions import MCPError
from mcp_types import RequestParams
from pydantic import BaseModel, ConfigDict, Field

TASKS = "io.modelcontextprotocol/tasks"


class TaskParams(RequestParams):
    model_config = ConfigDict(extra="allow")
    taskId: str


class Tasks(Extension):
    """Tasks kept in memory: id -> the task as tasks/get shows it, plus how many polls it has seen."""

    identifier = TASKS

    def __init__(self) -> None:
        self.tasks: dict[str, dict[str, Any]] = {}
        self.polls: dict[str, int] = {}
        self.cancelled: list[str] = []

    def methods(self):
        return (MethodBinding("tasks/get", TaskParams, self.get),
                MethodBinding("tasks/update", TaskParams, self.update),
                MethodBinding("tasks/cancel", TaskParams, self.cancel))

    async def intercept_tool_call(self, params, ctx, call_next):
        if params.name not in ("job", "job_asking", "job_rude"):
            return await call_next(ctx)
        if params.name != "job_rude":
            require_client_extension(ctx, TASKS)
        now = _now()
        task_id = secrets.token_hex(8)
        task = {"taskId": task_id, "status": "working", "createdAt": now, "lastUpdatedAt": now,
                "ttlMs": 60000, "pollIntervalMs": 10,
                "text": (params.arguments or {}).get("text", ""), "asking": params.name == "job_asking"}
        self.tasks[task_id] = task
        self.polls[task_id] = 0
        return {"resultType": "task", **_public(task)}

    def _find(self, params: TaskParams) -> dict[str, Any]:
        task = self.tasks.get(params.taskId)
        if task is None:
            raise MCPError(code=-32602, message="Failed to retrieve task: Task not found")
        return task

    async def get(self, ctx, params: TaskParams):
        require_client_extension(ctx, TASKS)
        task = self._find(params)
        self.polls[task["taskId"]] += 1
        if task["status"] == "working" and self.polls[task["taskId"]] >= 2:
            if task["asking"] and "name" not in task:
                task["status"] = "input_required"
            else:
                who = f", {task['name']}" if "name" in task else ""
                task["status"] = "completed"
                task["result"] = {"content": [{"type": "text", "text": f"job done: {task['text']}{who}"}],
                                  "isError": False}
            task["lastUpdatedAt"] = _now()
        shown = _public(task)
        if task["status"] == "input_required":
            shown["inputRequests"] = {"name": {"method": "elicitation/create", "params": {
                "mode": "form", "message": "Please enter your name.",
                "requestedSchema": {"type": "object", "properties": {"name": {"type": "string"}},
                                    "required": ["name"]}}}}
        return {"resultType": "complete", **shown}

    async def update(self, ctx, params: TaskParams):
        require_client_extension(ctx, TASKS)
        task = self._find(params)
        answer = (params.model_extra or {}).get("inputResponses", {}).get("name")
        if task["status"] == "input_required" and answer and answer.get("action") == "accept":
            task["name"] = answer["content"]["name"]
            task["status"] = "working"
            self.polls[task["taskId"]] = 1
        return {"resultType": "complete"}

    async def cancel(self, ctx, params: TaskParams):
        require_client_extension(ctx, TASKS)
        task = self._find(params)
        self.cancelled.append(task["taskId"])
        if task["status"] in ("working", "input_required"):
            task["status"] = "cancelled"
            task["lastUpdatedAt"] = _now()
        return {"resultType": "complete"}


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat().replace("+00:00", "Z")


def _public(task: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in task.items() if k not in ("text", "asking", "name")}


tasks = Tasks()
mcp = MCPServer(name="fixture", version="1.0.0", instructions="Fixture upstream for Warrant tests.",
                extensions=[tasks])


@mcp.tool()
def job(text: str) -> str:
    """Runs as a task for clients that declared the tasks extension."""
    return f"job done at once: {text}"


@mcp.tool()
def job_asking(text: str) -> str:
    """Runs as a task that asks for a name first."""
    return f"job done at once: {text}"


@mcp.tool()
def job_rude(text: str) -> str:
    """Answers with a task whether or not the client declared the extension."""
    return f"job done at once: {text}"


@mcp.tool()
def cancelled_tasks() -> str:
    """The ids of the tasks tasks/cancel reached, comma separated, oldest first."""
    return ",".join(tasks.cancelled)


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


@mcp.tool()
async def touch(uri: str, ctx: Context) -> str:
    """Tells the subscribers of `uri` that it changed."""
    await ctx.notify_resource_updated(uri)
    return f"touched {uri}"


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
