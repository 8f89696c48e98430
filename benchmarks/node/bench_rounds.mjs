#!/usr/bin/env node
// The peer side of `make bench`'s core section: the @digitalbazaar stack, in one long-lived
// process that Python drives in rounds (so both sides alternate within one run), offline with
// the same document loader as tests/interop.
//
// stdin: one JSON request per line; stdout: one JSON answer per line.
//   {"op": "setup", "secretKeyMultibase", "publicKeyMultibase"}
//       -> {"ok": true, "node": "v22..."}
//   {"op": "sign", "cryptosuite", "created", "credentials": [...], "returnSigned"?: false}
//       -> {"ms": [per credential], "signed"?: [...]}
//   {"op": "verify", "now", "credentials": [...]}
//       -> {"ms": [per credential], "verified": n, "errors": [...]}
// Each credential is signed or verified once, in order, timed on its own. Verification is
// @digitalbazaar/vc's verifyCredential: every proof, the issuer as the key's controller and the
// validity period.
//
// `node bench_rounds.mjs --cold sign|verify` instead reads one request
// {"cryptosuite", "created", "now", "secretKeyMultibase", "publicKeyMultibase",
//  "credential" (unsigned for sign, signed for verify)} and answers {"ms"}: the first
// operation of a fresh process, with everything it needs on first use (document loader and
// shipped contexts, key import, suites) and nothing done before it but module imports.
import '../../tests/interop/lib/guard.mjs';

import {createInterface} from 'node:readline';
import {performance} from 'node:perf_hooks';

import {
  errorMessages, importKeyPair, makeDocumentLoader, runMain, signSuite, unique, verifySuites
} from '../../tests/interop/lib/common.mjs';
import {jsigs, vc} from '../../tests/interop/lib/stack.mjs';

const {purposes: {AssertionProofPurpose}} = jsigs;

async function signer(request) {
  const keyPair = await importKeyPair(request);
  const documentLoader = makeDocumentLoader();
  return credential => jsigs.sign(structuredClone(credential), {
    suite: signSuite({
      keyPair, cryptosuite: request.cryptosuite, date: request.created
    }),
    purpose: new AssertionProofPurpose(),
    documentLoader
  });
}

function verifier(request) {
  const documentLoader = makeDocumentLoader();
  return credential => vc.verifyCredential({
    credential, suite: verifySuites(), documentLoader, now: request.now
  });
}

async function serve() {
  let key;
  const answer = value => process.stdout.write(JSON.stringify(value) + '\n');
  const lines = createInterface({input: process.stdin, crlfDelay: Infinity});
  for await (const line of lines) {
    if(!line.trim()) {
      continue;
    }
    const request = JSON.parse(line);
    try {
      if(request.op === 'setup') {
        key = request;
        answer({ok: true, node: process.version});
      } else if(request.op === 'sign') {
        const sign = await signer({...key, ...request});
        const ms = [];
        const signed = [];
        for(const credential of request.credentials) {
          const start = performance.now();
          const result = await sign(credential);
          ms.push(performance.now() - start);
          signed.push(result);
        }
        answer(request.returnSigned ? {ms, signed} : {ms});
      } else if(request.op === 'verify') {
        const verify = verifier(request);
        const ms = [];
        const errors = [];
        let verified = 0;
        for(const credential of request.credentials) {
          const start = performance.now();
          const result = await verify(credential);
          ms.push(performance.now() - start);
          if(result.verified) {
            verified += 1;
          } else {
            errors.push(...errorMessages(result.error));
          }
        }
        answer({ms, verified, errors: unique(errors).slice(0, 5)});
      } else if(request.op === 'quit') {
        break;
      } else {
        answer({error: `unknown op ${request.op}`});
      }
    } catch(e) {
      answer({error: e.stack ?? String(e)});
    }
  }
}

async function cold(request, op) {
  const start = performance.now();
  if(op === 'sign') {
    const sign = await signer(request);
    await sign(request.credential);
  } else {
    const result = await verifier(request)(request.credential);
    if(!result.verified) {
      throw new Error(`not verified: ${errorMessages(result.error).join('; ')}`);
    }
  }
  return {ms: performance.now() - start};
}

if(import.meta.url === `file://${process.argv[1]}`) {
  const index = process.argv.indexOf('--cold');
  if(index === -1) {
    serve().then(() => process.exit(0), e => {
      process.stderr.write(`harness error: ${e.stack}\n`);
      process.exit(2);
    });
  } else {
    runMain(request => cold(request, process.argv[index + 1]));
  }
}
