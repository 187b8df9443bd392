// Calls two tools through the gateway with the official TypeScript SDK and saves the signed receipts Warrant puts
// in each answer: the allowed call's from the result's _meta, the denied call's from the JSON-RPC error's data._meta.
// Usage: node receipt-agent.mjs <mcp-url> <bearer-token> <allowed-tool> <denied-tool> <out-dir>
// Writes <out-dir>/allowed-result.json (the whole CallToolResult) and <out-dir>/denied-receipt.json (the receipt),
// then prints {"allowedReceipt": bool, "deniedReceipt": bool, "deniedCode": n, "deniedReason": "..."}.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const RECEIPT = "dev.warrant/receipt";
const [url, token, allowed, denied, outDir] = process.argv.slice(2);
if (!url || !token || !allowed || !denied || !outDir) {
  console.error("usage: node receipt-agent.mjs <mcp-url> <bearer-token> <allowed-tool> <denied-tool> <out-dir>");
  process.exit(2);
}

const transport = new StreamableHTTPClientTransport(new URL(url), {
  requestInit: { headers: { Authorization: `Bearer ${token}` } },
});
const client = new Client({ name: "warrant-ts-receipts", version: "1.0.0" });
const seen = {};
try {
  await client.connect(transport);
  const result = await client.callTool({ name: allowed, arguments: {} });
  seen.allowedReceipt = Boolean(result._meta?.[RECEIPT]);
  writeFileSync(join(outDir, "allowed-result.json"), JSON.stringify(result));
  try {
    await client.callTool({ name: denied, arguments: { path: "secret.md" } });
    seen.deniedReceipt = false;
  } catch (e) {
    seen.deniedCode = e.code;
    seen.deniedReason = e.data?.reason;
    const receipt = e.data?._meta?.[RECEIPT];
    seen.deniedReceipt = Boolean(receipt);
    if (receipt) {
      writeFileSync(join(outDir, "denied-receipt.json"), JSON.stringify(receipt));
    }
  }
} catch (e) {
  seen.error = e.message;
}
console.log(JSON.stringify(seen));
await client.close();
