// An MCP agent on the official TypeScript SDK whose token comes from the SDK's own client-credentials support
// (ClientCredentialsProvider): on the gateway's 401 the SDK reads the protected resource metadata and the issuer's
// metadata, asks its token endpoint (client_secret_basic, RFC 8707 resource) and retries with the bearer.
// Usage: OAUTH_CLIENT_SECRET=... node oauth-agent.mjs <mcp-url> <client-id> <issuer> <scope> <tool> <json-arguments>
// (the secret stays off the command line). Prints one JSON object: {"text", "isError"} of the call, or {"error"}
// (exit 1).
import { ClientCredentialsProvider } from "@modelcontextprotocol/sdk/client/auth-extensions.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [url, clientId, issuer, scope, tool, args] = process.argv.slice(2);
const clientSecret = process.env.OAUTH_CLIENT_SECRET;
if (!url || !clientId || !issuer || !scope || !tool || !clientSecret) {
  console.error("usage: OAUTH_CLIENT_SECRET=... node oauth-agent.mjs <mcp-url> <client-id> <issuer> <scope> <tool> [json]");
  process.exit(2);
}

const authProvider = new ClientCredentialsProvider({ clientId, clientSecret, expectedIssuer: issuer, scope });
const transport = new StreamableHTTPClientTransport(new URL(url), { authProvider });
const client = new Client({ name: "warrant-ts-oauth-agent", version: "1.0.0" });
try {
  await client.connect(transport);
  const result = await client.callTool({ name: tool, arguments: JSON.parse(args ?? "{}") });
  const text = (result.content ?? []).filter((c) => c.type === "text").map((c) => c.text).join("");
  console.log(JSON.stringify({ text, isError: Boolean(result.isError) }));
  await client.close();
} catch (e) {
  console.log(JSON.stringify({ error: String(e?.message ?? e) }));
  process.exitCode = 1;
  await client.close().catch(() => {});
}
