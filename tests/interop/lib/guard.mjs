// Network guard for the offline interop harness.
//
// Imported FIRST by every script (ES modules evaluate their imports in
// order), so that no library can capture the real `fetch` or open a socket
// before the guard is in place.
//
// * `globalThis.fetch` is replaced. By default it refuses every URL with a
//   clear error. A script may register offline routes (URL -> JSON document)
//   with `setOfflineRoutes`; only those URLs are answered, from memory.
// * A script that plays a wallet against the sandbox server may open ONE
//   loopback origin with `allowLoopbackOrigin('http://127.0.0.1:PORT')`:
//   fetches to that origin (and TCP connections to that host and port) go
//   through; everything else stays refused.
// * `net.Socket.prototype.connect` is replaced too, so that libraries using
//   `http`/`https` directly (or a private fetch) cannot reach the network.
// * `console.log/info/debug` are sent to stderr: stdout carries exactly one
//   JSON document, the script's result.
import dns from 'node:dns';
import net from 'node:net';

export class OfflineRefusal extends Error {
  constructor(message) {
    super(message);
    this.name = 'OfflineRefusal';
  }
}

const routes = new Map();
const requested = [];
const realFetch = globalThis.fetch;
const loopbackOrigins = new Set();
const loopbackSockets = new Set();

/** Lets fetch reach `origin` (http://127.0.0.1:PORT or http://[::1]:PORT only). */
export function allowLoopbackOrigin(origin) {
  const url = new URL(origin);
  if(url.protocol !== 'http:' || !['127.0.0.1', '[::1]'].includes(url.hostname) ||
    !url.port || url.origin !== origin.replace(/\/$/, '')) {
    throw new OfflineRefusal(
      `only a loopback origin like http://127.0.0.1:8000 can be allowed, got "${origin}"`);
  }
  loopbackOrigins.add(url.origin);
  loopbackSockets.add(`${url.hostname.replace(/^\[|\]$/g, '')}:${url.port}`);
}

/** Registers URL -> JSON document answers for the fake `fetch`. */
export function setOfflineRoutes(map) {
  for(const [url, document] of Object.entries(map)) {
    routes.set(url, document);
  }
}

/** Every URL that something tried to fetch, with how it was answered. */
export function fetchLog() {
  return requested.slice();
}

function urlOf(input) {
  if(typeof input === 'string') {
    return input;
  }
  if(input instanceof URL) {
    return input.href;
  }
  if(input && typeof input.url === 'string') {
    return input.url;
  }
  return String(input);
}

async function offlineFetch(input, init) {
  const url = urlOf(input);
  if(loopbackOrigins.has(originOf(url))) {
    requested.push({url, answered: true, loopback: true});
    return realFetch(input, init);
  }
  if(routes.has(url)) {
    requested.push({url, answered: true});
    return new Response(JSON.stringify(routes.get(url)), {
      status: 200,
      headers: {'content-type': 'application/json'}
    });
  }
  requested.push({url, answered: false});
  throw new OfflineRefusal(
    `offline interop harness refused to fetch "${url}": the harness never ` +
    'uses the network; supply this document in the request ' +
    '(didDocuments / statusLists / documents) or ship it as a JSON-LD context.');
}

function originOf(url) {
  try {
    return new URL(url).origin;
  } catch{
    return null;
  }
}

globalThis.fetch = offlineFetch;

const realConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  // net.connect() passes its normalized [options, callback] pair as one array
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  // allow local IPC (unix sockets / named pipes) only
  const isIpc = (typeof first === 'string' && !/^\d+$/.test(first)) ||
    (first && typeof first === 'object' && typeof first.path === 'string');
  if(isIpc || (first && typeof first === 'object' &&
    loopbackSockets.has(`${first.host}:${first.port}`))) {
    return realConnect.apply(this, args);
  }
  const target = first && typeof first === 'object' ?
    `${first.host ?? 'localhost'}:${first.port}` : String(first);
  throw new OfflineRefusal(
    `offline interop harness refused a network connection to ${target}`);
};

// no name lookups either (a lookup is traffic too)
const refuseLookup = name => () => {
  throw new OfflineRefusal(
    `offline interop harness refused a DNS lookup (dns.${name})`);
};
for(const name of ['lookup', 'resolve', 'resolve4', 'resolve6', 'resolveAny']) {
  dns[name] = refuseLookup(name);
  dns.promises[name] = refuseLookup(name);
}

const toStderr = (...args) => {
  process.stderr.write(args.map(a => typeof a === 'string' ? a :
    (() => {
      try {
        return JSON.stringify(a);
      } catch{
        return String(a);
      }
    })()).join(' ') + '\n');
};
console.log = toStderr;
console.info = toStderr;
console.debug = toStderr;
