#!/usr/bin/env node
// Verifies one credential with the @digitalbazaar stack, fully offline.
//
// stdin:  {"credential": {...},
//          "didDocuments"?: {"did:web:...": {...}},
//          "statusLists"?: {"https://...": {signed BitstringStatusListCredential}},
//          "now"?: "2030-01-01T00:00:00Z",
//          "checkIssuerController"?: true}
// stdout: {"verified": bool, "errors": [str], "revoked": bool|null,
//          "suspended": bool|null, "statusChecked": bool,
//          "proofVerified": bool, "proofs": [...], "statusResults": [...],
//          "documentsLoaded": [url]}
//
// `verified` is @digitalbazaar/vc's verdict: proof(s), issuer == proof
// controller, validity period, and (when credentialStatus is present) that
// the status list could be loaded and verified. It does NOT include the
// status bit: a revoked credential is still `verified: true`; read `revoked`.
//
// `checkIssuerController: false` swaps vc's CredentialIssuancePurpose (which
// requires the issuer id to equal the controller of the verification method)
// for jsonld-signatures' plain AssertionProofPurpose, e.g. for the W3C test
// vectors whose issuer is an https URL while the key is a did:key.
import './lib/guard.mjs';

import * as vc from '@digitalbazaar/vc';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import jsigs from 'jsonld-signatures';

import {
  HarnessError, errorMessages, makeDocumentLoader, runMain, unique,
  verifySuites
} from './lib/common.mjs';

const {purposes: {AssertionProofPurpose}} = jsigs;

function summarizeProofs(result) {
  return (result.results ?? []).map(r => ({
    type: r.proof?.type ?? null,
    cryptosuite: r.proof?.cryptosuite ?? null,
    verificationMethod: r.proof?.verificationMethod ?? null,
    verified: r.verified === true,
    purposeValid: r.purposeResult ? r.purposeResult.valid === true : null
  }));
}

function statusBit(statusResult, purpose) {
  if(!statusResult || statusResult.verified !== true) {
    return null;
  }
  const entries = (statusResult.results ?? []).filter(
    r => r.credentialStatus?.statusPurpose === purpose);
  if(entries.length === 0) {
    return null;
  }
  // vc-bitstring-status-list 2.x: `status` is the bit at statusListIndex
  return entries.some(r => r.status === true);
}

export async function verify(request) {
  const {
    credential, didDocuments = {}, statusLists = {}, now,
    checkIssuerController = true
  } = request;
  if(!credential || typeof credential !== 'object') {
    throw new HarnessError('request.credential must be an object');
  }
  const documentLoader = makeDocumentLoader({didDocuments, statusLists});
  const options = {
    credential,
    suite: verifySuites(),
    documentLoader
  };
  if(now !== undefined) {
    options.now = now;
  }
  if(!checkIssuerController) {
    options.purpose = new AssertionProofPurpose();
  }
  const hasStatus = credential.credentialStatus !== undefined;
  if(hasStatus) {
    options.checkStatus = checkStatus;
  }

  const result = await vc.verifyCredential(options);

  const errors = [];
  errors.push(...errorMessages(result.error));
  for(const r of result.results ?? []) {
    errors.push(...errorMessages(r.error));
    if(r.purposeResult && !r.purposeResult.valid) {
      errors.push(...errorMessages(r.purposeResult.error));
    }
  }
  const statusResult = result.statusResult;
  if(statusResult?.error) {
    errors.push(...errorMessages(statusResult.error).map(
      m => `status check: ${m}`));
  }

  const proofs = summarizeProofs(result);
  return {
    verified: result.verified === true,
    errors: unique(errors),
    revoked: statusBit(statusResult, 'revocation'),
    suspended: statusBit(statusResult, 'suspension'),
    statusChecked: statusResult?.verified === true,
    proofVerified: proofs.length > 0 && proofs.every(p => p.verified),
    proofs,
    statusResults: (statusResult?.results ?? []).map(r => ({
      statusPurpose: r.credentialStatus?.statusPurpose,
      statusListCredential: r.credentialStatus?.statusListCredential,
      statusListIndex: r.credentialStatus?.statusListIndex,
      status: r.status,
      verified: r.verified
    })),
    documentsLoaded: unique(documentLoader.served)
  };
}

if(import.meta.url === `file://${process.argv[1]}`) {
  runMain(verify);
}
