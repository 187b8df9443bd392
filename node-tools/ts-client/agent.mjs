// An MCP agent built on the official TypeScript SDK, run by the gateway's tests against Warrant.
// Usage: node agent.mjs <mcp-url> <bearer-token>
// Prints one JSON object with what each step saw; exits 1 (with {"error": ...}) if a step throws.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [url, token] = process.argv.slice(2);
if (!url || !token) {
  console.error("usage: node agent.mjs <mcp-url> <bearer-token>");
  process.exit(2);
}

const text = (result) =>
  (result.content ?? []).filter((c) => c.type === "text").map((c) => c.text).join("");

const transport = new StreamableHTTPClientTransport(new URL(url), {
  requestInit: { headers: { Authorization: `Bearer ${token}` } },
});
const client = new Client({ name: "warrant-ts-agent", version: "1.0.0" });
const out = {};
try {
  await client.connect(transport);
  out.serverName = client.getServerVersion()?.name;

  out.tools = (await client.listTools()).tools.map((t) => t.name);

  // A call with progress: the notifications arrive on the gateway's SSE response to this POST.
  const progress = [];
  const long = await client.callTool(
    { name: "everything__trigger-long-running-operation", arguments: { duration: 1, steps: 3 } },
    undefined,
    { onprogress: (p) => progress.push(p) },
  );
  out.longResult = text(long);
  out.progress = progress;

  out.resources = (await client.listResources()).resources.map((r) => r.uri);
  const doc = await client.readResource({ uri: "demo://resource/static/document/features.md" });
  out.documentStart = doc.contents[0].text.slice(0, 40);
  const dynamic = await client.readResource({ uri: "demo://resource/dynamic/text/7" });
  out.dynamic = dynamic.contents[0];

  out.prompts = (await client.listPrompts()).prompts.map((p) => p.name);
  const prompt = await client.getPrompt({ name: "everything__args-prompt", arguments: { city: "Lyon" } });
  out.promptText = prompt.messages[0].content.text;

  // Cancel a long call: the SDK sends notifications/cancelled when the signal aborts.
  const controller = new AbortController();
  const started = Date.now();
  const cancelled = client.callTool(
    { name: "everything__trigger-long-running-operation", arguments: { duration: 30, steps: 30 } },
    undefined,
    { signal: controller.signal, onprogress: () => controller.abort("enough") },
  );
  try {
    await cancelled;
    out.cancel = { outcome: "completed" };
  } catch (e) {
    out.cancel = { outcome: "aborted", error: String(e?.message ?? e), millis: Date.now() - started };
  }

  // The session is still usable after the cancellation.
  out.echo = text(await client.callTool({ name: "everything__echo", arguments: { message: "after cancel" } }));
  await client.close();
  console.log(JSON.stringify(out));
} catch (e) {
  console.log(JSON.stringify({ ...out, error: String(e?.message ?? e) }));
  process.exitCode = 1;
  await client.close().catch(() => {});
}
