// A learner's backpack for tests: an Open Badges 3.0 host built on panva's oidc-provider (the
// authorization server: dynamic client registration, PKCE required, refresh tokens) with a small
// resource server for discovery and upsert in the same process, and a control port for tests.
//
//   node tests/interop/ob3_host.mjs --port 8765 [--control-port 8766] [--verify]
//                                   [--access-token-ttl 3600] [--name "Loopback test backpack"]
//
// It prints one JSON line when it listens: {"base": ..., "control": ...}.
//
// Host port (what the plugin talks to):
//   GET  /ims/ob/v3p0/discovery      the Service Description Document (OpenAPI 3.0)
//   POST /ims/ob/v3p0/credentials    upsertCredential: Bearer token with the upsert scope;
//                                    201 created, 200 replaced; 4xx with an Imsx_StatusInfo
//   /reg /auth /token ...            oidc-provider (registration checks OB 3.0 7.1.1.2)
//   /interaction/:uid                sign in (any user name) and consent (Allow / Deny)
// Control port (tests only): GET /holdings, GET /stats, POST /faults {fail_every, delay_ms},
//   POST /down, POST /up, POST /revoke {account}, POST /forget-clients, POST /reset.
import dns from 'node:dns';
import http from 'node:http';
import {parseArgs} from 'node:util';
import Provider, {errors} from 'oidc-provider';

const UPSERT = 'https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.upsert';
const READONLY = 'https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly';
const {values: args} = parseArgs({
  options: {
    port: {type: 'string', default: '0'},
    'control-port': {type: 'string', default: '0'},
    host: {type: 'string', default: '127.0.0.1'},
    name: {type: 'string', default: 'Loopback test backpack'},
    'access-token-ttl': {type: 'string', default: '3600'},
    verify: {type: 'boolean', default: false},
  },
});

// ---- storage: oidc-provider's models, in memory, enumerable for the control port ----------
const store = new Map(); // `${model}:${id}` -> {payload, expiresAt}
class MemoryAdapter {
  constructor(model) { this.model = model; }
  key(id) { return `${this.model}:${id}`; }
  async upsert(id, payload, expiresIn) {
    store.set(this.key(id), {payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : null});
  }
  async find(id) {
    const entry = store.get(this.key(id));
    if (!entry) return undefined;
    if (entry.expiresAt && entry.expiresAt < Date.now()) { store.delete(this.key(id)); return undefined; }
    return entry.payload;
  }
  async findByUserCode() { return undefined; }
  async findByUid(uid) {
    for (const [key, entry] of store) {
      if (key.startsWith(`${this.model}:`) && entry.payload.uid === uid) return entry.payload;
    }
    return undefined;
  }
  async consume(id) {
    const entry = store.get(this.key(id));
    if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id) { store.delete(this.key(id)); }
  async revokeByGrantId(grantId) {
    for (const [key, entry] of store) {
      if (entry.payload.grantId === grantId) store.delete(key);
    }
  }
}

// ---- OB 3.0 7.1.1.2: what a registration must hold -----------------------------------------
function loopback(hostname) {
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
}
function checkRegistration(metadata) {
  for (const name of ['client_name', 'client_uri', 'logo_uri', 'tos_uri', 'policy_uri',
    'software_id', 'software_version', 'redirect_uris', 'scope']) {
    if (!metadata[name] || (Array.isArray(metadata[name]) && !metadata[name].length)) {
      throw new errors.InvalidClientMetadata(`${name} is required (Open Badges 3.0, 7.1.1.2)`);
    }
  }
  const hostOf = (url) => new URL(url).hostname;
  const expected = hostOf(metadata.client_uri);
  for (const url of [metadata.client_uri, metadata.logo_uri, metadata.tos_uri,
    metadata.policy_uri, ...metadata.redirect_uris]) {
    const parsed = new URL(url);
    if (parsed.hostname !== expected) {
      throw new errors.InvalidClientMetadata(`${url} is not on the client's host ${expected}`);
    }
    if (parsed.protocol !== 'https:' && !loopback(parsed.hostname)) {
      throw new errors.InvalidClientMetadata(`${url} does not use https`);
    }
  }
  if (!String(metadata.scope).split(' ').includes(UPSERT)) {
    throw new errors.InvalidClientMetadata('the scope must include credential.upsert');
  }
}

// ---- the authorization server ----------------------------------------------------------------
const hostPort = Number(args.port);
const server = http.createServer();
await new Promise((resolve) => server.listen(hostPort, args.host, resolve));
const base = `http://${args.host}:${server.address().port}`;

const provider = new Provider(base, {
  adapter: MemoryAdapter,
  clients: [],
  scopes: ['openid', 'offline_access', UPSERT, READONLY],
  claims: {openid: ['sub']},
  features: {
    registration: {enabled: true},
    revocation: {enabled: true},
    devInteractions: {enabled: false},
  },
  pkce: {required: () => true},
  rotateRefreshToken: true,
  ttl: {
    AccessToken: Number(args['access-token-ttl']),
    AuthorizationCode: 120,
    Interaction: 600,
    Session: 3600,
    Grant: 14 * 24 * 3600,
    RefreshToken: 14 * 24 * 3600,
  },
  clientDefaults: {
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  },
  extraClientMetadata: {
    properties: ['software_id', 'software_version'],
    validator(_ctx, key, _value, metadata) {
      // Once per client: every property is validated in turn.
      if (key === 'software_id') checkRegistration(metadata);
    },
  },
  interactions: {url: (_ctx, interaction) => `/interaction/${interaction.uid}`},
  async findAccount(_ctx, id) {
    return {accountId: id, async claims() { return {sub: id}; }};
  },
  cookies: {keys: ['ob3-test-host-cookie-key-not-secret']},
});
provider.on('server_error', (_ctx, error) => console.error('oidc-provider:', error));

// ---- the learner's pages at the host: sign in, consent -------------------------------------
function page(res, title, body, status = 200) {
  res.writeHead(status, {'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store'});
  res.end(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;background:#eef1f4;margin:0}main{max-width:28rem;
margin:3rem auto;background:#fff;padding:1.5rem 2rem;border-radius:10px;border:1px solid #ccd}
button{font:inherit;padding:.45rem 1rem;margin-right:.5rem;border-radius:6px;border:1px solid #345}
.allow{background:#1d4f91;color:#fff}input{font:inherit;padding:.3rem;width:100%}
h1{font-size:1.3rem}</style></head><body><main>${body}</main></body></html>`);
}
const escape = (text) => String(text).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

async function readBody(req, limit = 2 * 1024 * 1024) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw new Error('body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return page(res, 'Unknown', '<p>Unknown interaction.</p>', 400);
  const client = await provider.Client.find(details.params.client_id);
  const clientName = escape(client?.clientName || details.params.client_id);
  if (req.method === 'GET') {
    if (details.prompt.name === 'login') {
      return page(res, `${args.name}: sign in`, `<h1>${escape(args.name)}</h1>
<p>Sign in to your backpack.</p><form method="post" action="/interaction/${uid}/login">
<p><label for="username">User name</label><br><input id="username" name="username" required></p>
<p><button class="allow" type="submit">Sign in</button></p></form>`);
    }
    const scopes = String(details.params.scope || '').split(' ').filter(Boolean);
    return page(res, `${args.name}: allow access`, `<h1>${escape(args.name)}</h1>
<p><strong>${clientName}</strong> wants to add credentials to your backpack.</p>
<ul>${scopes.map((scope) => `<li>${escape(scope)}</li>`).join('')}</ul>
<form method="post" action="/interaction/${uid}/confirm"><button class="allow" id="allow" type="submit">Allow</button></form>
<form method="post" action="/interaction/${uid}/abort"><button id="deny" type="submit">Deny</button></form>`);
  }
  if (action === 'login') {
    const form = new URLSearchParams(await readBody(req));
    const accountId = (form.get('username') || '').trim();
    if (!accountId) return page(res, 'Sign in', '<p>A user name is needed.</p>', 400);
    return provider.interactionFinished(req, res, {login: {accountId}}, {mergeWithLastSubmission: false});
  }
  if (action === 'abort') {
    return provider.interactionFinished(req, res, {
      error: 'access_denied', error_description: 'The user did not allow access',
    }, {mergeWithLastSubmission: false});
  }
  // confirm: grant what was asked
  const {prompt: {details: missing}, params, session} = details;
  let grant = details.grantId ? await provider.Grant.find(details.grantId)
    : new provider.Grant({accountId: session.accountId, clientId: params.client_id});
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes || {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  return provider.interactionFinished(req, res, {consent: {grantId}}, {mergeWithLastSubmission: true});
}

// ---- the resource server --------------------------------------------------------------------
const holdings = new Map(); // accountId -> Map(credential id -> {credential, upserts})
const stats = {upserts: 0, failed: 0, created: 0, replaced: 0, unauthorized: 0, refused: 0};
const faults = {fail_every: 0, delay_ms: 0, counter: 0};
let verifier = null;  // --verify: set once both ports listen (see the end)
const realLookup = dns.lookup;

function json(res, status, body, headers = {}) {
  res.writeHead(status, {'Content-Type': 'application/json', ...headers});
  res.end(JSON.stringify(body));
}
function statusInfo(res, status, description, minor) {
  json(res, status, {
    imsx_codeMajor: 'failure',
    imsx_severity: 'error',
    imsx_description: description,
    imsx_codeMinor: {imsx_codeMinorField: [
      {imsx_codeMinorFieldName: 'TargetEndSystem', imsx_codeMinorFieldValue: minor},
    ]},
  });
}

function discovery() {
  return {
    openapi: '3.0.1',
    info: {
      title: args.name,
      version: '1.0',
      termsOfService: `${base}/tos`,
      'x-imssf-privacyPolicyUrl': `${base}/privacy`,
    },
    servers: [{url: `${base}/ims/ob/v3p0`}],
    paths: {
      '/credentials': {post: {operationId: 'upsertCredential', security: [{OAuth2ACG: [UPSERT]}]}},
      '/discovery': {get: {operationId: 'getServiceDescription'}},
    },
    components: {
      securitySchemes: {
        OAuth2ACG: {
          type: 'oauth2',
          description: 'OAuth 2.0 Authorization Code Grant authorization',
          'x-imssf-name': args.name,
          'x-imssf-registrationUrl': `${base}/reg`,
          flows: {authorizationCode: {
            authorizationUrl: `${base}/auth`,
            tokenUrl: `${base}/token`,
            refreshUrl: `${base}/token`,
            scopes: {
              [UPSERT]: 'Permission to create or update OpenBadgeCredentials',
              [READONLY]: 'Permission to read OpenBadgeCredentials',
            },
          }},
        },
      },
      schemas: {},
    },
  };
}

async function upsert(req, res) {
  stats.upserts += 1;
  const auth = req.headers.authorization || '';
  const token = auth.startsWith('Bearer ') ? await provider.AccessToken.find(auth.slice(7)) : null;
  if (!token || token.isExpired || !token.scopes.has(UPSERT)) {
    stats.unauthorized += 1;
    await readBody(req).catch(() => '');
    return statusInfo(res, 401, 'The access token is missing, expired or revoked', 'unauthorizedrequest');
  }
  faults.counter += 1;
  if (faults.fail_every && faults.counter % faults.fail_every === 0) {
    stats.failed += 1;
    await readBody(req).catch(() => '');
    return statusInfo(res, 500, 'Something broke (a test fault)', 'internal_server_error');
  }
  let credential;
  try {
    credential = JSON.parse(await readBody(req));
  } catch {
    stats.refused += 1;
    return statusInfo(res, 400, 'The body is not JSON', 'invalid_data');
  }
  const types = [].concat(credential?.type || []);
  if (!credential?.id || !types.includes('OpenBadgeCredential') || !credential.proof) {
    stats.refused += 1;
    return statusInfo(res, 400, 'Not a signed OpenBadgeCredential with an id', 'invalid_data');
  }
  if (verifier) {
    const problem = await verifier(credential);
    if (problem) {
      stats.refused += 1;
      return statusInfo(res, 400, `The credential does not verify: ${problem}`, 'invalid_data');
    }
  }
  const held = holdings.get(token.accountId) || new Map();
  holdings.set(token.accountId, held);
  const existing = held.get(credential.id);
  held.set(credential.id, {credential, upserts: (existing?.upserts || 0) + 1});
  stats[existing ? 'replaced' : 'created'] += 1;
  // Stored, then slow to say so (a worker may be killed meanwhile).
  if (faults.delay_ms) await new Promise((resolve) => setTimeout(resolve, faults.delay_ms));
  return json(res, existing ? 200 : 201, credential, {'Content-Type': 'application/vc+ld+json'});
}

const providerCallback = provider.callback();
server.on('request', async (req, res) => {
  const url = new URL(req.url, base);
  try {
    if (url.pathname === '/ims/ob/v3p0/discovery' && req.method === 'GET') {
      return json(res, 200, discovery());
    }
    if (url.pathname === '/ims/ob/v3p0/credentials') {
      if (req.method !== 'POST') return statusInfo(res, 405, 'Only POST here', 'unsupported');
      return await upsert(req, res);
    }
    const match = url.pathname.match(/^\/interaction\/([^/]+)(?:\/(login|confirm|abort))?$/);
    if (match) return await interaction(req, res, match[1], match[2]);
    return providerCallback(req, res);
  } catch (error) {
    console.error(error);
    if (!res.headersSent) page(res, 'Error', `<p>${escape(error.message)}</p>`, 500);
  }
});

// ---- the control port (tests only) -----------------------------------------------------------
const sockets = new Set();
server.on('connection', (socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
});
let listening = true;

function holdingsJson() {
  const out = {};
  for (const [account, held] of holdings) {
    out[account] = [...held.entries()].map(([id, {credential, upserts}]) => ({
      id, upserts, name: credential.name, credential,
    }));
  }
  return out;
}

const control = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://control');
  const body = req.method === 'POST' ? JSON.parse((await readBody(req)) || '{}') : {};
  switch (`${req.method} ${url.pathname}`) {
    case 'GET /holdings': return json(res, 200, holdingsJson());
    case 'GET /stats': return json(res, 200, {...stats, listening});
    case 'POST /faults':
      Object.assign(faults, {fail_every: 0, delay_ms: 0}, body, {counter: 0});
      return json(res, 200, faults);
    case 'POST /down':
      if (listening) {
        listening = false;
        server.close();
        for (const socket of sockets) socket.destroy();
      }
      return json(res, 200, {listening});
    case 'POST /up':
      if (!listening) {
        // listen() looks its address up, which --verify's network guard refuses: this one
        // lookup of our own loopback address is let through.
        const guarded = dns.lookup;
        dns.lookup = realLookup;
        try {
          await new Promise((resolve) => server.listen(new URL(base).port, args.host, resolve));
        } finally {
          dns.lookup = guarded;
        }
        listening = true;
      }
      return json(res, 200, {listening});
    case 'POST /revoke': {
      let revoked = 0;
      for (const [key, entry] of [...store]) {
        if (key.startsWith('Grant:') && entry.payload.accountId === body.account) {
          await new MemoryAdapter('any').revokeByGrantId(entry.payload.jti);
          store.delete(key);
          revoked += 1;
        }
      }
      return json(res, 200, {revoked});
    }
    case 'POST /forget-clients': {
      let forgotten = 0;
      for (const key of [...store.keys()]) {
        if (key.startsWith('Client:')) { store.delete(key); forgotten += 1; }
      }
      return json(res, 200, {forgotten});
    }
    case 'POST /reset':
      holdings.clear();
      Object.assign(stats, {upserts: 0, failed: 0, created: 0, replaced: 0, unauthorized: 0, refused: 0});
      Object.assign(faults, {fail_every: 0, delay_ms: 0, counter: 0});
      return json(res, 200, {});
    default: return json(res, 404, {error: 'unknown control'});
  }
});
await new Promise((resolve) => control.listen(Number(args['control-port']), args.host, resolve));
if (args.verify) {
  // After listening: the offline harness' network guard refuses DNS lookups, listen's too.
  ({verifyCredentialDocument: verifier} = await import('./lib/host_verify.mjs'));
}
process.stdout.write(`${JSON.stringify({base, control: `http://${args.host}:${control.address().port}`})}\n`);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
