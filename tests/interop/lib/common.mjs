// Shared pieces of the offline interop harness: stdin/stdout protocol, the
// static JSON-LD document loader over the contexts shipped with the Python
// package, DID resolution (did:key computed locally, every other DID only
// from caller-supplied documents), key import and the @digitalbazaar suites.
//
// `./guard.mjs` must be imported before this module by every entry script.
import {readFileSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {driver as didKeyDriverFactory} from '@digitalbazaar/did-method-key';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import {
  createSignCryptosuite as createJcsSignCryptosuite,
  createVerifyCryptosuite as createJcsVerifyCryptosuite
} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {
  cryptosuite as eddsaRdfc2022Cryptosuite
} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {JsonLdDocumentLoader} from 'jsonld-document-loader';

import {OfflineRefusal} from './guard.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
export const INTEROP_DIR = resolve(HERE, '..');
export const REPO_ROOT = resolve(INTEROP_DIR, '..', '..');

export const CRYPTOSUITES = ['eddsa-rdfc-2022', 'eddsa-jcs-2022'];
export const LEGACY_SUITE = 'Ed25519Signature2020';

// ---------------------------------------------------------------- protocol

export class HarnessError extends Error {
  constructor(message) {
    super(message);
    this.name = 'HarnessError';
  }
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Runs `handler(request)` with the JSON request read from stdin, writes the
 * JSON result to stdout and exits 0. A thrown error is a harness error: the
 * message goes to stderr and the process exits 2. Verification failures are
 * not harness errors; handlers report them in their result.
 */
export async function runMain(handler) {
  let code = 0;
  let output = '';
  try {
    const text = await readStdin();
    let request;
    try {
      request = JSON.parse(text);
    } catch(e) {
      throw new HarnessError(`request on stdin is not JSON: ${e.message}`);
    }
    if(!request || typeof request !== 'object' || Array.isArray(request)) {
      throw new HarnessError('request on stdin must be a JSON object');
    }
    const result = await handler(request);
    output = JSON.stringify(result, jsonSafeReplacer) + '\n';
  } catch(e) {
    code = 2;
    process.stderr.write(
      `harness error: ${e?.stack || e?.message || String(e)}\n`);
  }
  // some libraries keep handles open; exit explicitly once stdout is flushed
  process.stdout.write(output, () => process.exit(code));
}

/** JSON.stringify replacer that keeps Error objects readable. */
export function jsonSafeReplacer(key, value) {
  if(value instanceof Error) {
    const out = {name: value.name, message: value.message};
    for(const [k, v] of Object.entries(value)) {
      if(k !== 'stack') {
        out[k] = v;
      }
    }
    if(value.cause !== undefined && out.cause === undefined) {
      out.cause = value.cause;
    }
    return out;
  }
  if(value instanceof Uint8Array) {
    return `<${value.length} bytes>`;
  }
  if(value instanceof Map) {
    return Object.fromEntries(value);
  }
  return value;
}

/** Flattens an error (with nested `errors` and `cause`) to strings. */
export function errorMessages(error, seen = new Set()) {
  if(!error || seen.has(error)) {
    return [];
  }
  seen.add(error);
  if(typeof error === 'string') {
    return [error];
  }
  const out = [];
  const name = error.name && error.name !== 'Error' ? `${error.name}: ` : '';
  if(error.message) {
    out.push(`${name}${error.message}`);
  }
  for(const nested of Array.isArray(error.errors) ? error.errors : []) {
    out.push(...errorMessages(nested, seen));
  }
  if(error.cause) {
    out.push(...errorMessages(error.cause, seen));
  }
  return out;
}

export function unique(list) {
  return [...new Set(list)];
}

// ---------------------------------------------------------------- contexts

/** Directory of the JSON-LD contexts shipped with the Python package. */
export function contextsDir() {
  return process.env.MICROCREDS_CONTEXTS_DIR ||
    join(REPO_ROOT, 'openedx_microcreds', 'credentials', 'contexts');
}

let _shipped;
/** Map URL -> context document, from the package's contexts/index.json. */
export function shippedContexts() {
  if(_shipped) {
    return _shipped;
  }
  const dir = contextsDir();
  let index;
  try {
    index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
  } catch(e) {
    throw new HarnessError(
      `cannot read the shipped JSON-LD context index ${dir}/index.json: ` +
      e.message);
  }
  _shipped = new Map();
  for(const [url, file] of Object.entries(index)) {
    _shipped.set(url, JSON.parse(readFileSync(join(dir, file), 'utf8')));
  }
  return _shipped;
}

// ---------------------------------------------------------------- DIDs

let _didKeyDriver;
export function didKeyDriver() {
  if(!_didKeyDriver) {
    _didKeyDriver = didKeyDriverFactory();
    // Ed25519 did:key as Multikey verification methods; Ed25519Signature2020
    // converts a Multikey method to Ed25519VerificationKey2020 by itself.
    _didKeyDriver.use({
      multibaseMultikeyHeader: 'z6Mk',
      fromMultibase: Ed25519Multikey.from
    });
  }
  return _didKeyDriver;
}

function splitDidUrl(url) {
  const hash = url.indexOf('#');
  const base = hash === -1 ? url : url.slice(0, hash);
  const fragment = hash === -1 ? '' : url.slice(hash);
  return {base: base.split('?')[0], fragment};
}

const RELATIONSHIPS = [
  'verificationMethod', 'assertionMethod', 'authentication',
  'capabilityInvocation', 'capabilityDelegation', 'keyAgreement'
];

/**
 * Dereferences `base#fragment` inside a supplied DID (or controller)
 * document, resolving relative ids (`#key-1`) against the document id as
 * DID Core does. The document itself is returned unchanged otherwise.
 */
function dereferenceFragment(document, url, base, fragment) {
  const absolute = id => (typeof id === 'string' && id.startsWith('#')) ?
    `${document.id ?? base}${id}` : id;
  for(const rel of RELATIONSHIPS) {
    const values = document[rel] === undefined ? [] :
      [].concat(document[rel]);
    for(const node of values) {
      if(node && typeof node === 'object' &&
        (absolute(node.id) === url || node.id === fragment)) {
        // the dereferenced method carries its absolute id, as a resolver's
        // would; relative references elsewhere in the document stay as given
        return {'@context': document['@context'], ...node, id: absolute(node.id)};
      }
    }
  }
  throw new OfflineRefusal(
    `"${url}": no verification method with that id in the supplied ` +
    `document for "${base}"`);
}

// ---------------------------------------------------------------- loader

/**
 * Builds the offline document loader for the @digitalbazaar stack.
 *
 * Answers, in order: the shipped JSON-LD contexts; caller-supplied status
 * list credentials and extra documents; did:key (computed locally);
 * caller-supplied DID / controller documents (with fragment dereferencing).
 * Every other URL is refused with an error naming it.
 */
export function makeDocumentLoader({
  didDocuments = {}, statusLists = {}, documents = {}, contexts
} = {}) {
  const loader = new JsonLdDocumentLoader();
  for(const [url, doc] of (contexts ?? shippedContexts())) {
    loader.addStatic(url, doc);
  }
  for(const [url, doc] of Object.entries(statusLists)) {
    loader.addStatic(url, doc);
  }
  for(const [url, doc] of Object.entries(documents)) {
    loader.addStatic(url, doc);
  }
  const supplied = new Map(Object.entries(didDocuments));
  const resolveSupplied = async ({url}) => {
    const {base, fragment} = splitDidUrl(url);
    const document = supplied.get(base);
    if(!document) {
      return undefined;
    }
    if(!fragment) {
      return structuredClone(document);
    }
    return structuredClone(
      dereferenceFragment(document, url, base, fragment));
  };
  loader.setDidResolver({
    async get({url}) {
      if(url.startsWith('did:key:')) {
        return didKeyDriver().get({url});
      }
      return resolveSupplied({url});
    }
  });
  // controller documents at https URLs (not DIDs), if the caller gives any
  const httpHandler = {get: resolveSupplied};
  loader.setProtocolHandler({protocol: 'https', handler: httpHandler});
  loader.setProtocolHandler({protocol: 'http', handler: httpHandler});

  const inner = loader.build();
  const served = [];
  const documentLoader = async url => {
    let result;
    try {
      result = await inner(url);
    } catch(e) {
      if(e instanceof OfflineRefusal) {
        throw e;
      }
      const refusal = new OfflineRefusal(
        `offline document loader refused "${url}": it is not a JSON-LD ` +
        'context shipped in openedx_microcreds/credentials/contexts, a ' +
        'did:key, or a DID document / status list credential supplied in ' +
        'the request' +
        (/^Document not found/.test(e.message) ? '' : ` (${e.message})`));
      refusal.cause = e;
      throw refusal;
    }
    served.push(url);
    return result;
  };
  documentLoader.served = served;
  return documentLoader;
}

// ---------------------------------------------------------------- suites

/** Suites for verification: eddsa-rdfc-2022, eddsa-jcs-2022, Ed25519-2020. */
export function verifySuites() {
  return [
    new DataIntegrityProof({cryptosuite: eddsaRdfc2022Cryptosuite}),
    new DataIntegrityProof({cryptosuite: createJcsVerifyCryptosuite()}),
    new Ed25519Signature2020()
  ];
}

/** Imports a signing key pair from multibase strings. */
export async function importKeyPair({
  secretKeyMultibase, publicKeyMultibase, controller, id
}) {
  if(!secretKeyMultibase || !publicKeyMultibase) {
    throw new HarnessError(
      '"secretKeyMultibase" and "publicKeyMultibase" are required');
  }
  if(!controller) {
    controller = `did:key:${publicKeyMultibase}`;
  }
  return Ed25519Multikey.from({
    '@context': 'https://w3id.org/security/multikey/v1',
    type: 'Multikey',
    id: id ?? `${controller}#${publicKeyMultibase}`,
    controller,
    publicKeyMultibase,
    secretKeyMultibase
  });
}

/**
 * Builds a signing suite for `cryptosuite` ("eddsa-rdfc-2022",
 * "eddsa-jcs-2022" or "Ed25519Signature2020").
 */
export function signSuite({keyPair, cryptosuite, date}) {
  const signer = keyPair.signer();
  const opts = date === undefined ? {} : {date};
  if(cryptosuite === 'eddsa-rdfc-2022') {
    return new DataIntegrityProof(
      {signer, cryptosuite: eddsaRdfc2022Cryptosuite, ...opts});
  }
  if(cryptosuite === 'eddsa-jcs-2022') {
    return new DataIntegrityProof(
      {signer, cryptosuite: createJcsSignCryptosuite(), ...opts});
  }
  if(cryptosuite === LEGACY_SUITE) {
    return new Ed25519Signature2020({signer, ...opts});
  }
  throw new HarnessError(
    `unknown cryptosuite "${cryptosuite}"; expected one of ` +
    [...CRYPTOSUITES, LEGACY_SUITE].join(', '));
}
