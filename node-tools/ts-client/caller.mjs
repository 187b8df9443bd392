// Calls one tool many times through one MCP session of the official TypeScript SDK, going on after failures:
// the gateway's load-balancer test drives it through HAProxy while it kills a member.
// Usage: node caller.mjs <mcp-url> <bearer-token> <tool> <count>
// Prints {"done": n} every 100 calls, then {"ok": n, "failed": m, "failures": [first few messages]}.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [url, token, tool, countText] = process.argv.slice(2);
const count = Number(countText);
if (!url || !token || !tool || !Number.isInteger(count) || count < 1) {
  console.error("usage: node caller.mjs <mcp-url> <bearer-token> <tool> <count>");
  process.exit(2);
}

const transport = new StreamableHTTPClientTransport(new URL(url), {
  requestInit: { headers: { Authorization: `Bearer ${token}` } },
});
const client = new Client({ name: "warrant-ts-caller", version: "1.0.0" });
client.onerror = () => {}; // a lost GET stream is reconnected by the SDK; calls report their own failures
try {
  await client.connect(transport);
} catch (e) {
  console.log(JSON.stringify({ error: `connect: ${e.message}` }));
  process.exit(1);
}

let ok = 0;
const failures = [];
for (let i = 0; i < count; i++) {
  try {
    const result = await client.callTool({ name: tool, arguments: { text: `ts-${i}` } });
    const text = (result.content ?? []).map((c) => c.text ?? "").join("");
    if (result.isError || text !== `ts-${i}`) {
      failures.push(`call ${i}: ${text}`);
    } else {
      ok++;
    }
  } catch (e) {
    failures.push(`call ${i}: ${e.message}`);
  }
  if ((i + 1) % 100 === 0) {
    console.log(JSON.stringify({ done: i + 1 }));
  }
}
console.log(JSON.stringify({ ok, failed: failures.length, failures: failures.slice(0, 10) }));
await client.close();
