#!/usr/bin/env node
// Times signing and verifying with the @digitalbazaar stack, in-process and
// offline (same network guard and document loader as tests/interop).
//
// Needs tests/interop/node_modules (`make node`).
//
// stdin:  {"credential": {unsigned},
//          "secretKeyMultibase": "z3u2...", "publicKeyMultibase": "z6Mk...",
//          "controller"?: "did:key:z6Mk..." (default: did:key of the key),
//          "cryptosuite"?: "eddsa-rdfc-2022" | "eddsa-jcs-2022"
//                          | "Ed25519Signature2020",
//          "iterations"?: 50, "warmup"?: min(10, iterations),
//          "checkIssuerController"?: true}
// stdout: {"sign_ms": median ms per sign, "verify_ms": median ms per verify,
//          "sign_mean_ms", "verify_mean_ms", "sign_p95_ms", "verify_p95_ms",
//          "iterations", "warmup", "cryptosuite", "verified", "errors",
//          "node"}
//
// `node benchmarks/node/bench.mjs --default` runs the OB 3.0 fixture with
// the interop test key instead of reading stdin; `--iterations N` and
// `--cryptosuite NAME` adjust it.
import '../../tests/interop/lib/guard.mjs';

import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {performance} from 'node:perf_hooks';

import {
  INTEROP_DIR, errorMessages, importKeyPair, makeDocumentLoader, runMain,
  signSuite, unique, verifySuites
} from '../../tests/interop/lib/common.mjs';
import {jsigs, vc} from '../../tests/interop/lib/stack.mjs';

const {purposes: {AssertionProofPurpose}} = jsigs;

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] :
    (sorted[mid - 1] + sorted[mid]) / 2;
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  const p95 = sorted[Math.min(sorted.length - 1,
    Math.ceil(sorted.length * 0.95) - 1)];
  const round = x => Math.round(x * 1000) / 1000;
  return {median: round(median), mean: round(mean), p95: round(p95)};
}

export async function bench(request) {
  const {
    credential, secretKeyMultibase, publicKeyMultibase, controller,
    cryptosuite = 'eddsa-rdfc-2022', iterations = 50,
    checkIssuerController = true
  } = request;
  const warmup = request.warmup ?? Math.min(10, iterations);
  if(!credential || typeof credential !== 'object') {
    throw new Error('request.credential must be an object');
  }
  if(!(Number.isInteger(iterations) && iterations > 0)) {
    throw new Error('"iterations" must be a positive integer');
  }
  const keyPair = await importKeyPair(
    {secretKeyMultibase, publicKeyMultibase, controller});
  const documentLoader = makeDocumentLoader();
  const purpose = () => new AssertionProofPurpose();

  const signOnce = () => jsigs.sign(structuredClone(credential), {
    suite: signSuite({keyPair, cryptosuite}),
    purpose: purpose(),
    documentLoader
  });
  const verifyOnce = signed => {
    const options = {credential: signed, suite: verifySuites(), documentLoader};
    if(!checkIssuerController) {
      options.purpose = purpose();
    }
    return vc.verifyCredential(options);
  };

  // warm-up: JIT, context parsing caches
  let signed = await signOnce();
  let result = await verifyOnce(signed);
  for(let i = 1; i < warmup; ++i) {
    signed = await signOnce();
    result = await verifyOnce(signed);
  }

  const signTimes = [];
  const verifyTimes = [];
  const signedDocs = [];
  for(let i = 0; i < iterations; ++i) {
    const t0 = performance.now();
    const doc = await signOnce();
    signTimes.push(performance.now() - t0);
    signedDocs.push(doc);
  }
  let allVerified = true;
  const errors = [];
  for(const doc of signedDocs) {
    const t0 = performance.now();
    result = await verifyOnce(doc);
    verifyTimes.push(performance.now() - t0);
    if(!result.verified) {
      allVerified = false;
      errors.push(...errorMessages(result.error));
    }
  }
  const s = stats(signTimes);
  const v = stats(verifyTimes);
  return {
    sign_ms: s.median,
    verify_ms: v.median,
    sign_mean_ms: s.mean,
    verify_mean_ms: v.mean,
    sign_p95_ms: s.p95,
    verify_p95_ms: v.p95,
    iterations,
    warmup,
    cryptosuite,
    verified: allVerified,
    errors: unique(errors),
    node: process.version
  };
}

function defaultRequest(argv) {
  const fixtures = join(INTEROP_DIR, 'fixtures');
  const key = JSON.parse(readFileSync(join(fixtures, 'test_key.json'), 'utf8'));
  const credential = JSON.parse(
    readFileSync(join(fixtures, 'ob3_unsigned.json'), 'utf8'));
  const arg = name => {
    const i = argv.indexOf(name);
    return i === -1 ? undefined : argv[i + 1];
  };
  return {
    credential,
    secretKeyMultibase: key.secretKeyMultibase,
    publicKeyMultibase: key.publicKeyMultibase,
    cryptosuite: arg('--cryptosuite') ?? 'eddsa-rdfc-2022',
    iterations: Number(arg('--iterations') ?? 50)
  };
}

if(import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2);
  if(argv.includes('--default')) {
    const request = defaultRequest(argv);
    bench(request).then(result => {
      process.stdout.write(JSON.stringify(result) + '\n', () => process.exit(0));
    }, e => {
      process.stderr.write(`harness error: ${e.stack}\n`);
      process.exit(2);
    });
  } else {
    runMain(bench);
  }
}
