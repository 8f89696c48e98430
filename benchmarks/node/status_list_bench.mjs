#!/usr/bin/env node
// Peer for the status list benchmark: with the @digitalbazaar stack, set one bit of a
// 131,072-entry list, encode it, build the BitstringStatusListCredential and sign it
// (eddsa-rdfc-2022), in-process and offline. Median ms per revoke-and-re-sign.
//
// stdin:  {"secretKeyMultibase", "publicKeyMultibase", "iterations"?: 50, "length"?: 131072}
// stdout: {"resign_ms": median, "p95_ms", "iterations", "samples": [ms, ...]}
import '../../tests/interop/lib/guard.mjs';

import {performance} from 'node:perf_hooks';

import {
  createCredential, createList, jsigs
} from '../../tests/interop/lib/stack.mjs';
import {
  importKeyPair, makeDocumentLoader, runMain, signSuite
} from '../../tests/interop/lib/common.mjs';

const {purposes: {AssertionProofPurpose}} = jsigs;

async function bench(request) {
  const {iterations = 50, length = 131072} = request;
  const keyPair = await importKeyPair(request);
  const documentLoader = makeDocumentLoader();
  const list = await createList({length});
  const once = async index => {
    list.setStatus(index % length, true);
    const credential = await createCredential({
      id: 'https://lms.example.edu/microcreds/status/1', list, statusPurpose: 'revocation'
    });
    credential.issuer = keyPair.controller;
    return jsigs.sign(credential, {
      suite: signSuite({keyPair, cryptosuite: 'eddsa-rdfc-2022'}),
      purpose: new AssertionProofPurpose(), documentLoader
    });
  };
  for(let i = 0; i < 5; ++i) {
    await once(i);
  }
  const times = [];
  const offset = request.offset || 0;
  for(let i = 0; i < iterations; ++i) {
    const t0 = performance.now();
    await once(1000 + (offset + i) * 7);
    times.push(performance.now() - t0);
  }
  const samples = times.slice();
  times.sort((a, b) => a - b);
  return {
    resign_ms: times[Math.floor(times.length / 2)],
    p95_ms: times[Math.min(times.length - 1, Math.ceil(times.length * 0.95) - 1)],
    iterations,
    samples
  };
}

runMain(bench);
