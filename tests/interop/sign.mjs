#!/usr/bin/env node
// Signs one credential with the @digitalbazaar stack, fully offline.
//
// stdin:  {"credential": {unsigned},
//          "secretKeyMultibase": "z3u2...", "publicKeyMultibase": "z6Mk...",
//          "controller"?: "did:key:z6Mk..." (default: did:key of the key),
//          "verificationMethod"?: "<controller>#<publicKeyMultibase>",
//          "cryptosuite"?: "eddsa-rdfc-2022" | "eddsa-jcs-2022"
//                          | "Ed25519Signature2020",
//          "created"?: "2024-01-01T00:00:00Z",
//          "didDocuments"?: {...}}
// stdout: the signed credential.
//
// Uses jsonld-signatures with AssertionProofPurpose (vc.issue would also
// check the issuer equals the controller and add issuanceDate to VC 1.1
// credentials; signing should not rewrite the caller's document).
import './lib/guard.mjs';

import jsigs from 'jsonld-signatures';

import {
  HarnessError, importKeyPair, makeDocumentLoader, runMain, signSuite
} from './lib/common.mjs';

const {purposes: {AssertionProofPurpose}} = jsigs;

export async function sign(request) {
  const {
    credential, secretKeyMultibase, publicKeyMultibase, controller,
    verificationMethod, cryptosuite = 'eddsa-rdfc-2022', created,
    didDocuments = {}
  } = request;
  if(!credential || typeof credential !== 'object') {
    throw new HarnessError('request.credential must be an object');
  }
  const keyPair = await importKeyPair({
    secretKeyMultibase, publicKeyMultibase, controller, id: verificationMethod
  });
  const suite = signSuite({keyPair, cryptosuite, date: created});
  const documentLoader = makeDocumentLoader({didDocuments});
  try {
    return await jsigs.sign(structuredClone(credential), {
      suite, purpose: new AssertionProofPurpose(), documentLoader
    });
  } catch(e) {
    const error = new HarnessError(`signing failed: ${e.message}`);
    error.cause = e;
    throw error;
  }
}

if(import.meta.url === `file://${process.argv[1]}`) {
  runMain(sign);
}
