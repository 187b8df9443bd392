// A real OpenID provider (npm oidc-provider, OpenID certified) for Warrant's tests: client credentials for
// machine clients, RFC 9068 JWT access tokens whose audience is the RFC 8707 resource, and key rotation
// while running. Loopback only; it never reaches the network.
//
//   node idp.mjs --port P --config FILE [--exit-with-stdin]   (the flag: exit when stdin closes, i.e. the parent died)
//
// Prints one line on stdout once it serves: `IDP_READY http://127.0.0.1:P <adminSecret>`.
// Admin endpoint for tests (Authorization: Bearer <adminSecret>):
//   POST /test/rotate[?retain=N]  new RSA and EC keys sign from now on; the N previous key generations
//                                 (default 1) stay in the JWKS, older ones are retired. Answers {signing, published}.
//
// Config file (JSON):
//   { "clients": [ { "client_id": "agent-1", "client_secret": "...", "scope": "notes.read notes.write",
//                    "resources": ["http://127.0.0.1:9999/mcp"],   // RFC 8707 resources it may ask for
//                    "alg": "RS256",                               // or "ES256"; default RS256
//                    "accessTokenTTL": 300,                        // seconds; default 300
//                    "claims": { "groups": ["ops"] } } ] }         // extra claims in its tokens
//   "webClients": [ { "client_id": "console", "client_secret": "...", "scope": "console.read",
//                     "resources": [...], "redirect_uris": ["http://127.0.0.1:8080/console/login/callback"] } ],
//   "accounts": { "alice": { "groups": ["approvers"] } } }       // extra claims in a signed-in user's tokens
// Clients authenticate with client_secret_basic (what the MCP SDKs' client-credentials providers send).
// A token request without `resource` gets the client's first resource as audience.
// Web clients use the authorization code flow (PKCE S256 required) and get refresh tokens; "accessTokenTTL"
// (seconds) sets their access tokens' lifetime too. A user signs in on oidc-provider's own
// development pages: any login name, any password (the login becomes `sub`), then "Continue" to consent.
import * as crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import { parseArgs } from 'node:util';

import Provider, { errors } from 'oidc-provider';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string' },
    config: { type: 'string' },
    'exit-with-stdin': { type: 'boolean', default: false },
  },
});
if (!args.port || !args.config) {
  console.error('usage: node idp.mjs --port P --config FILE [--exit-with-stdin]');
  process.exit(2);
}

const HOST = '127.0.0.1';
const port = Number(args.port);
const issuer = `http://${HOST}:${port}`;
const config = JSON.parse(readFileSync(args.config, 'utf8'));
const webClients = new Set((config.webClients ?? []).map((c) => c.client_id));
const clients = new Map([...(config.clients ?? []), ...(config.webClients ?? [])].map((c) => [c.client_id, c]));
const accounts = config.accounts ?? {};
const adminSecret = crypto.randomBytes(24).toString('base64url');
const cookieKey = crypto.randomBytes(32).toString('base64url');

// Key generations, newest first: generations[0] signs, the rest are only published for verification.
let generation = 0;
let generations = [];

async function newGeneration() {
  generation += 1;
  const suffix = crypto.randomBytes(4).toString('hex');
  const rsa = await generateJwk('rsa', { modulusLength: 2048 });
  const ec = await generateJwk('ec', { namedCurve: 'P-256' });
  return [
    { ...rsa, kid: `RS256-${generation}-${suffix}`, alg: 'RS256', use: 'sig' },
    { ...ec, kid: `ES256-${generation}-${suffix}`, alg: 'ES256', use: 'sig' },
  ];
}

function generateJwk(type, options) {
  return new Promise((resolve, reject) => {
    crypto.generateKeyPair(type, options, (err, _publicKey, privateKey) => {
      if (err) reject(err);
      else resolve(privateKey.export({ format: 'jwk' }));
    });
  });
}

function resourceServerInfo(_ctx, resource, client) {
  const entry = clients.get(client.clientId);
  if (!entry?.resources?.includes(resource)) {
    throw new errors.InvalidTarget('resource not allowed for this client');
  }
  return {
    scope: entry.scope ?? '',
    accessTokenFormat: 'jwt',
    accessTokenTTL: entry.accessTokenTTL ?? 300,
    jwt: { sign: { alg: entry.alg ?? 'RS256' } },
  };
}

// oidc-provider reads its keystore once, at construction: a rotation builds a new provider over the same
// configuration and swaps it in. Client-credentials JWTs need no stored state, so nothing is lost.
function buildProvider() {
  const provider = new Provider(issuer, {
    clients: [...clients.values()].map((c) => ({
      client_id: c.client_id,
      client_secret: c.client_secret,
      scope: c.scope ?? '',
      grant_types: webClients.has(c.client_id) ? ['authorization_code', 'refresh_token'] : ['client_credentials'],
      response_types: webClients.has(c.client_id) ? ['code'] : [],
      redirect_uris: c.redirect_uris ?? [],
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    pkce: { required: () => true },
    // A web client that may refresh gets a refresh token with its code (no offline_access scope needed).
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    scopes: [...new Set([...clients.values()].flatMap((c) => (c.scope ?? '').split(' ').filter(Boolean)))],
    jwks: { keys: generations.flat() },
    cookies: { keys: [cookieKey] },
    features: {
      devInteractions: { enabled: webClients.size > 0 },
      clientCredentials: { enabled: true },
      introspection: { enabled: false },
      revocation: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: (_ctx, client) => clients.get(client.clientId)?.resources?.[0],
        getResourceServerInfo: resourceServerInfo,
      },
    },
    ttl: { ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? 300 },
    extraTokenClaims: (_ctx, token) => ({ ...clients.get(token.clientId)?.claims, ...accounts[token.accountId] }),
    clientBasedCORS: () => false,
    renderError: (ctx, out) => {
      ctx.type = 'application/json';
      ctx.body = out;
    },
  });
  return provider.callback();
}

function rotate(retain) {
  return newGeneration().then((keys) => {
    generations = [keys, ...generations.slice(0, retain)];
    handler = buildProvider();
    return {
      signing: keys.map((k) => k.kid),
      published: generations.flat().map((k) => k.kid),
    };
  });
}

function admin(req, res) {
  const auth = req.headers.authorization ?? '';
  const expected = `Bearer ${adminSecret}`;
  const ok = auth.length === expected.length
    && crypto.timingSafeEqual(Buffer.from(auth), Buffer.from(expected));
  const reply = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (!ok) return reply(401, { error: 'unauthorized' });
  const url = new URL(req.url, issuer);
  if (req.method !== 'POST' || url.pathname !== '/test/rotate') return reply(404, { error: 'not_found' });
  const retain = Number(url.searchParams.get('retain') ?? '1');
  if (!Number.isInteger(retain) || retain < 0) return reply(400, { error: 'invalid_retain' });
  return rotate(retain).then((body) => reply(200, body), (err) => reply(500, { error: String(err) }));
}

generations = [await newGeneration()];
let handler = buildProvider();

const server = http.createServer((req, res) => {
  if (req.url.startsWith('/test/')) {
    admin(req, res);
  } else {
    handler(req, res);
  }
});
server.listen(port, HOST, () => {
  process.stdout.write(`IDP_READY ${issuer} ${adminSecret}\n`);
});

if (args['exit-with-stdin']) {
  // The test JVM holds our stdin: when it goes away, so do we.
  process.stdin.on('close', () => process.exit(0));
  process.stdin.resume();
}
