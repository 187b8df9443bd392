// Verifies, reads, authorizes and attenuates a Biscuit token with the Rust reference implementation
// (@biscuit-auth/biscuit-wasm), for Warrant's interop test. Run with:
//   node --experimental-wasm-modules biscuit-wasm.mjs < request.json
//
// Request (stdin, JSON):
//   { "token": base64url, "rootPublicKey": 64 hex digits (Ed25519),
//     "authorize": [ { "name": str, "code": authorizer Datalog (request facts + policies) } ],   // optional
//     "append": block Datalog code }                                                              // optional
// Response (stdout, one JSON object):
//   { "verified": false, "error": str }      when fromBase64 rejects the token (signature, format, ...)
//   { "verified": true, "blocks": n, "revocationIds": [hex], "blockSources": [datalog],
//     "authorityFacts": [str], "authorizations": { name: { "allowed": bool, "policy"?: n, "error"?: str } },
//     "attenuated"?: { "token": base64url, "blocks": n, "revocationIds": [hex], "blockSources": [datalog] } }
// Exit code 0 for both answers; 2 for a bad request or an unexpected failure (message on stderr).

// The package prints a banner with console.log when it loads; keep stdout for the JSON answer.
console.log = (...args) => console.error(...args);
const biscuit = await import("@biscuit-auth/biscuit-wasm");
const { Biscuit, BlockBuilder, AuthorizerBuilder, PublicKey, Rule, SignatureAlgorithm } = biscuit;

// The library's default 1 ms time limit trips on a cold wasm start, and even 250 ms tripped on a loaded
// 2-core machine (the first call compiles the wasm); facts and iterations bound the work deterministically.
const LIMITS = { max_facts: 1000, max_iterations: 100, max_time_micro: 5_000_000 };

function readStdin() {
  return new Promise((resolve, reject) => {
    const chunks = [];
    process.stdin.on("data", (c) => chunks.push(c));
    process.stdin.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    process.stdin.on("error", reject);
  });
}

function describe(error) {
  // Library errors are plain objects such as {"Format":{"Signature":{...}}}.
  return typeof error === "object" && error !== null && !(error instanceof Error)
    ? JSON.stringify(error)
    : String(error?.message ?? error);
}

function summary(token) {
  const blocks = token.countBlocks();
  const blockSources = [];
  for (let i = 0; i < blocks; i++) {
    blockSources.push(token.getBlockSource(i));
  }
  return { blocks, revocationIds: token.getRevocationIdentifiers().map(String), blockSources };
}

function authorityFacts(token) {
  // Authorizer queries see the authority block (and the authorizer's own facts) only: Biscuit scoping.
  const authorizer = new AuthorizerBuilder().buildAuthenticated(token);
  const out = [];
  for (const name of ["agent($a)", "right($k, $s, $n)", "task($t)", "issued_at($d)", "expires($d)"]) {
    const rule = Rule.fromString(`${name} <- ${name}`);
    out.push(...authorizer.queryWithLimits(rule, LIMITS).map(String));
  }
  return out;
}

function authorize(token, code) {
  const builder = new AuthorizerBuilder();
  builder.addCode(code);
  try {
    return { allowed: true, policy: builder.buildAuthenticated(token).authorizeWithLimits(LIMITS) };
  } catch (error) {
    return { allowed: false, error: describe(error) };
  }
}

async function main() {
  const request = JSON.parse(await readStdin());
  if (typeof request.token !== "string" || !/^[0-9a-f]{64}$/.test(request.rootPublicKey ?? "")) {
    throw new Error("request needs token (base64url) and rootPublicKey (64 lowercase hex digits)");
  }
  const root = PublicKey.fromString(request.rootPublicKey, SignatureAlgorithm.Ed25519);
  let token;
  try {
    token = Biscuit.fromBase64(request.token, root);
  } catch (error) {
    return { verified: false, error: describe(error) };
  }
  const answer = { verified: true, ...summary(token), authorityFacts: authorityFacts(token), authorizations: {} };
  for (const { name, code } of request.authorize ?? []) {
    answer.authorizations[name] = authorize(token, code);
  }
  if (typeof request.append === "string") {
    const block = new BlockBuilder();
    block.addCode(request.append);
    const attenuated = token.appendBlock(block);
    answer.attenuated = { token: attenuated.toBase64(), ...summary(attenuated) };
  }
  return answer;
}

try {
  process.stdout.write(JSON.stringify(await main()) + "\n");
} catch (error) {
  console.error(`biscuit-wasm interop: ${describe(error)}`);
  process.exitCode = 2;
}
