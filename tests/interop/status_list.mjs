#!/usr/bin/env node
// Bitstring Status List helper on the @digitalbazaar stack, fully offline.
//
// Create and sign a status list credential:
// stdin:  {"op": "create",
//          "id": "https://lms.example/status/1",
//          "statusPurpose"?: "revocation",
//          "length"?: 131072,            (bits; the spec minimum is 131072)
//          "set"?: [17, 4242],            (indices whose bit is 1)
//          "validFrom"?: ISO, "validUntil"?: ISO,
//          "issuer"?: "did:key:..." (default: controller of the key),
//          "secretKeyMultibase", "publicKeyMultibase", "controller"?,
//          "cryptosuite"?: "eddsa-rdfc-2022", "created"?: ISO}
// stdout: the signed BitstringStatusListCredential.
//
// Decode a status list credential (signed or not; no verification):
// stdin:  {"op": "decode", "credential": {...}, "indices": [17, 18]}
// stdout: {"statusPurpose": str, "length": int, "statuses": {"17": true, ...}}
import './lib/guard.mjs';

import {
  createCredential, createList, decodeList
} from '@digitalbazaar/vc-bitstring-status-list';
import jsigs from 'jsonld-signatures';

import {
  HarnessError, importKeyPair, makeDocumentLoader, runMain, signSuite
} from './lib/common.mjs';

const {purposes: {AssertionProofPurpose}} = jsigs;

async function create(request) {
  const {
    id, statusPurpose = 'revocation', length = 131072, set = [],
    validFrom, validUntil, issuer, secretKeyMultibase, publicKeyMultibase,
    controller, cryptosuite = 'eddsa-rdfc-2022', created
  } = request;
  if(!id) {
    throw new HarnessError('"id" (the status list URL) is required');
  }
  const list = await createList({length});
  for(const index of set) {
    list.setStatus(index, true);
  }
  const credential = await createCredential({id, list, statusPurpose});
  const keyPair = await importKeyPair(
    {secretKeyMultibase, publicKeyMultibase, controller});
  credential.issuer = issuer ?? keyPair.controller;
  if(validFrom) {
    credential.validFrom = validFrom;
  }
  if(validUntil) {
    credential.validUntil = validUntil;
  }
  const suite = signSuite({keyPair, cryptosuite, date: created});
  return jsigs.sign(credential, {
    suite, purpose: new AssertionProofPurpose(),
    documentLoader: makeDocumentLoader()
  });
}

async function decode(request) {
  const {credential, indices = []} = request;
  const subject = credential?.credentialSubject;
  if(!subject?.encodedList) {
    throw new HarnessError(
      '"credential.credentialSubject.encodedList" is required');
  }
  const list = await decodeList({encodedList: subject.encodedList});
  const statuses = {};
  for(const index of indices) {
    statuses[String(index)] = list.getStatus(index);
  }
  return {
    statusPurpose: subject.statusPurpose ?? null,
    length: list.length,
    statuses
  };
}

export async function statusList(request) {
  const {op = 'create'} = request;
  if(op === 'create') {
    return create(request);
  }
  if(op === 'decode') {
    return decode(request);
  }
  throw new HarnessError(`unknown op "${op}"; expected "create" or "decode"`);
}

if(import.meta.url === `file://${process.argv[1]}`) {
  runMain(statusList);
}
