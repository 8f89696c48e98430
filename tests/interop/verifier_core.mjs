#!/usr/bin/env node
// Verifies one credential with @digitalcredentials/verifier-core (the
// verifier behind the Digital Credentials Consortium's apps), fully offline.
//
// verifier-core takes no document loader: it builds its own at import time
// (@digitalcredentials/security-document-loader with bundled contexts,
// did:key, did:web over HTTP, and remote contexts over HTTP). So the offline
// harness answers its HTTP requests from memory: the guard's fake `fetch`
// serves only
//   * did:web DID documents from `didDocuments`, at the did:web URL
//     (did:web:host -> https://host/.well-known/did.json,
//      did:web:host:a:b -> https://host/a/b/did.json),
//   * status list credentials from `statusLists`, at their URL,
//   * extra documents from `documents` (e.g. an issuer registry JSON),
//   * the JSON-LD contexts shipped with the Python package, for contexts
//     that verifier-core does not bundle (e.g. credentials/examples/v2),
// and refuses everything else (e.g. the 1EdTech JSON schema that its schema
// check tries to download).
//
// stdin:  same request as verify.mjs, plus optional
//         "knownDIDRegistries": [...] (default []) and "documents": {url: json}.
//         "now" is honoured by fixing the process clock (verifier-core has
//         no `now` option).
// stdout: {"raw": <verifier-core result>,
//          "summary": {"signatureValid": bool, "expired": bool|null,
//                      "revoked": bool|null, "registeredIssuer": bool|null,
//                      "fatalErrors": [{name, message}], "statusError": ...,
//                      "schemaCheck": ..., "log": [...]},
//          "fetched": [{url, answered}]}
import './lib/guard.mjs';

import {fetchLog, setOfflineRoutes} from './lib/guard.mjs';
import {installFixedClock} from './lib/clock.mjs';
import {
  HarnessError, errorMessages, runMain, shippedContexts
} from './lib/common.mjs';

/** The https URL(s) at which a did:web DID document is published. */
export function didWebUrls(did) {
  const parts = did.split(':');
  if(parts.length < 3 || parts[0] !== 'did' || parts[1] !== 'web') {
    return [];
  }
  const [, , domain, ...path] = parts;
  const host = decodeURIComponent(domain);
  const suffix = path.length === 0 ? '.well-known/did.json' :
    `${path.map(decodeURIComponent).join('/')}/did.json`;
  const url = `https://${host}/${suffix}`;
  const lower = `https://${host.toLowerCase()}/${suffix}`;
  return url === lower ? [url] : [url, lower];
}

function entry(log, id) {
  return (log ?? []).find(e => e.id === id);
}

export function summarize(raw) {
  const fatalErrors = (raw.errors ?? []).map(e => ({
    name: e.name ?? null,
    message: e.message ?? null,
    details: e.stackTrace ? errorMessages(e.stackTrace) : undefined
  }));
  const log = raw.log ?? [];
  const sig = entry(log, 'valid_signature');
  const exp = entry(log, 'expiration');
  const rev = entry(log, 'revocation_status');
  const reg = entry(log, 'registered_issuer');
  let revoked = null;
  if(rev && typeof rev.valid === 'boolean') {
    revoked = !rev.valid;
  }
  const schema = (raw.additionalInformation ?? []).find(
    e => e.id === 'schema_check');
  return {
    signatureValid: fatalErrors.length === 0 && sig?.valid === true,
    expired: exp && typeof exp.valid === 'boolean' ? !exp.valid : null,
    revoked,
    statusError: rev?.error ?? null,
    registeredIssuer: reg ? reg.valid === true : null,
    fatalErrors,
    schemaCheck: schema ? schema.results : null,
    log
  };
}

/**
 * verifier-core reports every signature-stage failure that is not an HTTP or
 * JSON-LD error as "The signature is not valid." and drops the cause. To say
 * why, re-run the same check with the libraries verifier-core is built on,
 * configured as verifier-core configures them (same suites, its own document
 * loader, `verifyMatchingIssuers: false`), and return the underlying errors.
 */
async function diagnose(credential) {
  try {
    const [vc, di, rdfc, ed2020, sdl] = await Promise.all([
      import('@digitalcredentials/vc'),
      import('@digitalcredentials/data-integrity'),
      import('@digitalcredentials/eddsa-rdfc-2022-cryptosuite'),
      import('@digitalcredentials/ed25519-signature-2020'),
      import('@digitalcredentials/security-document-loader')
    ]);
    const suite = [
      new ed2020.Ed25519Signature2020(),
      new di.DataIntegrityProof({cryptosuite: rdfc.cryptosuite})
    ];
    const documentLoader = sdl.securityLoader({fetchRemoteContexts: true})
      .build();
    const result = await vc.verifyCredential({
      credential: structuredClone(credential), suite, documentLoader,
      // status is not what is being diagnosed here
      checkStatus: async () => ({verified: true}),
      verifyMatchingIssuers: false
    });
    const messages = errorMessages(result.error);
    for(const r of result.results ?? []) {
      messages.push(...errorMessages(r.error));
    }
    return [...new Set(messages)];
  } catch(e) {
    return [`diagnosis failed: ${e.message}`];
  }
}

export async function verifyWithVerifierCore(request) {
  const {
    credential, didDocuments = {}, statusLists = {}, documents = {},
    knownDIDRegistries = [], now
  } = request;
  if(!credential || typeof credential !== 'object') {
    throw new HarnessError('request.credential must be an object');
  }
  const routes = {};
  for(const [url, doc] of shippedContexts()) {
    routes[url] = doc;
  }
  const unsupportedDids = [];
  for(const [did, doc] of Object.entries(didDocuments)) {
    const urls = didWebUrls(did);
    if(urls.length === 0) {
      unsupportedDids.push(did);
    }
    for(const url of urls) {
      routes[url] = doc;
    }
  }
  Object.assign(routes, statusLists, documents);
  setOfflineRoutes(routes);

  let restoreClock = () => {};
  if(now !== undefined) {
    restoreClock = installFixedClock(now);
  }
  let raw;
  try {
    const {verifyCredential} = await import('@digitalcredentials/verifier-core');
    raw = await verifyCredential({
      credential: structuredClone(credential), knownDIDRegistries
    });
  } finally {
    restoreClock();
  }
  // the credential is echoed back unchanged; do not repeat it
  if(raw && raw.credential) {
    raw = {...raw, credential: '<input credential>'};
  }
  const result = {
    raw,
    summary: summarize(raw),
    fetched: fetchLog().map(f => shippedContexts().has(f.url) ?
      {...f, shippedContext: true} : f)
  };
  if(!result.summary.signatureValid) {
    result.summary.diagnosis = await diagnose(credential);
  }
  if(unsupportedDids.length) {
    result.ignoredDidDocuments = unsupportedDids;
  }
  return result;
}

if(import.meta.url === `file://${process.argv[1]}`) {
  runMain(verifyWithVerifierCore);
}
