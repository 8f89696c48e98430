#!/usr/bin/env node
// Verifies many credentials in one Node process with the @digitalbazaar
// stack, fully offline. Node startup and loading the stack take far longer
// than verifying one credential, so property tests send their whole batch here.
//
// stdin:  {"credentials": [{...}, ...],
//          "didDocuments"?: {"did:web:...": {...}},
//          "statusLists"?: {"https://...": {signed BitstringStatusListCredential}},
//          "now"?: "2030-01-01T00:00:00Z" | ["2026-...Z" | null, ...],
//          "checkIssuerController"?: true}
// stdout: {"results": [<verify.mjs result>, ...], "verified": n, "failed": n}
//
// Each credential is checked exactly as verify.mjs checks a single one (same
// document loader, suites and purpose), and `results[i]` is verify.mjs's
// result for `credentials[i]`. `now` is either one time for every credential
// or a list with one entry per credential (null: the real clock).
//
// One credential's failure never stops the batch: if verifying it throws
// (it is not an object, or a library crashes on it), its result is
// {"verified": false, "errors": ["<message>"], "harnessError": true}.
import './lib/guard.mjs';

import {HarnessError, errorMessages, runMain} from './lib/common.mjs';
import {verify} from './verify.mjs';

function nowFor(now, index, count) {
  if(now === undefined || now === null || typeof now === 'string') {
    return now ?? undefined;
  }
  if(!Array.isArray(now) || now.length !== count) {
    throw new HarnessError(
      'request.now must be a string or a list with one entry per credential');
  }
  return now[index] ?? undefined;
}

export async function verifyBatch(request) {
  const {credentials, now, ...shared} = request;
  if(!Array.isArray(credentials)) {
    throw new HarnessError('request.credentials must be a list');
  }
  const results = [];
  for(const [index, credential] of credentials.entries()) {
    const single = {...shared, credential};
    const at = nowFor(now, index, credentials.length);
    if(at !== undefined) {
      single.now = at;
    }
    try {
      results.push(await verify(single));
    } catch(e) {
      const errors = errorMessages(e);
      results.push({
        verified: false,
        errors: errors.length > 0 ? errors : [String(e)],
        harnessError: true
      });
    }
  }
  const verified = results.filter(r => r.verified).length;
  return {results, verified, failed: results.length - verified};
}

if(import.meta.url === `file://${process.argv[1]}`) {
  runMain(verifyBatch);
}
