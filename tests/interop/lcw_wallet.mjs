#!/usr/bin/env node
// Plays the DCC Learner Credential Wallet (LCW 2.x) against a server on
// loopback, with the libraries LCW ships (pinned to the versions of its
// package-lock.json): @digitalcredentials/vc 10.0.2, ed25519-signature-2020
// 6.0.0, ed25519-verification-key-2020 5.0.0, did-method-key 3.0.0 and
// security-document-loader 8.0.0.
//
// The wire behaviour follows LCW's app/lib (interactionUrl.ts,
// walletRequestApi.ts, exchanges.ts, composeVp.ts, credentialRequest.ts,
// present.ts):
// - an interaction URL (`...?iuv=1`): GET with Accept: application/json,
//   take `protocols.vcapi`;
// - an invitation (`https://lcw.app/request?request=<JSON>`): parse the
//   JSON, take `protocols.vcapi`;
// - either way: POST {} to the exchange URL, expect a
//   verifiablePresentationRequest with a DIDAuthentication query, a
//   challenge and a domain (LCW refuses one without both), sign a DIDAuth
//   presentation (Ed25519Signature2020, holder = the wallet's did:key) and
//   POST {"verifiablePresentation": VP} to the SAME URL;
// - a legacy link (`dccrequest://request?issuer=..&vc_request_url=..
//   &challenge=..&auth_type=bearer`): POST the signed presentation itself
//   (challenge, no domain) to vc_request_url.
// The credentials are taken from the answer as LCW does (a VC, or a VP's
// verifiableCredential).
//
// Only the loopback origin of the offer is reachable (lib/guard.mjs);
// contexts come from security-document-loader's bundled copies
// (fetchRemoteContexts: false).
//
// stdin: {"offer": URL, "seedHex"?: 64 hex chars (the wallet's key),
//         "tamper"?: one of
//           "challenge"  sign with another challenge
//           "domain"     sign with another domain
//           "holder"     claim another DID as holder than the signing key's
//           "signature"  alter the presentation after signing
//           "replay"     after a successful exchange, post the same VP again
//           "stale"      sign with proof.created one hour in the past
//           "dataIntegrity"  sign with eddsa-rdfc-2022 (DataIntegrityProof)
//        }
// stdout: {"holder", "flow", "steps": [{"method", "url", "status", "body"}],
//          "credentials": [...], "presentation": VP sent}
import {allowLoopbackOrigin} from './lib/guard.mjs';

import {randomBytes} from 'node:crypto';

import * as DidMethodKey from '@digitalcredentials/did-method-key';
// LCW's versions (its package-lock: 6.0.0 and 5.0.0), installed under aliases so that
// verifier-core keeps the versions it depends on.
import {Ed25519Signature2020} from 'lcw-ed25519-signature-2020';
import {
  Ed25519VerificationKey2020
} from 'lcw-ed25519-verification-key-2020';
import {securityLoader} from '@digitalcredentials/security-document-loader';
import * as vc from '@digitalcredentials/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {
  cryptosuite as eddsaRdfc2022Cryptosuite
} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as dbvc from '@digitalbazaar/vc';

import {HarnessError, runMain} from './lib/common.mjs';

const TAMPERS = new Set([
  'challenge', 'domain', 'holder', 'signature', 'replay', 'stale',
  'dataIntegrity'
]);

// ---------------------------------------------------------------- the DID

/** LCW's mintDid (app/lib/did.ts): an Ed25519 did:key and its key pair. */
async function mintDid(seed) {
  const didKeyDriver = DidMethodKey.driver();
  didKeyDriver.use({
    multibaseMultikeyHeader: 'z6Mk',
    fromMultibase: Ed25519VerificationKey2020.from
  });
  const verificationKeyPair = await Ed25519VerificationKey2020.generate({seed});
  const {didDocument} = await didKeyDriver.fromKeyPair({verificationKeyPair});
  verificationKeyPair.controller = didDocument.id;
  verificationKeyPair.id =
    `${didDocument.id}#${verificationKeyPair.fingerprint()}`;
  return {did: didDocument.id, keyPair: verificationKeyPair, seed};
}

// ---------------------------------------------------------------- the wire

const steps = [];

async function send(method, url, body, headers = {}) {
  const response = await fetch(url, {
    method,
    headers: {
      ...(body === undefined ? {} : {'Content-Type': 'application/json'}),
      ...headers
    },
    body: body === undefined ? undefined : JSON.stringify(body)
  });
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch{
    parsed = {unparsed: text.slice(0, 2000)};
  }
  steps.push({
    method, url, status: response.status, body: parsed,
    contentType: response.headers.get('content-type'),
    cacheControl: response.headers.get('cache-control')
  });
  return {status: response.status, body: parsed};
}

/** walletRequestApi.ts parseWalletApiUrl: the `request` query parameter. */
function invitationOf(offer) {
  const url = new URL(offer);
  const text = url.searchParams.get('request');
  if(text === null) {
    throw new HarnessError(`no "request" parameter in ${offer}`);
  }
  return JSON.parse(decodeURI(text));
}

function isLegacy(offer) {
  const query = offer.split('?')[1] || '';
  const params = new URLSearchParams(query);
  return params.has('vc_request_url') && params.has('issuer');
}

function isInteraction(offer) {
  if(offer.startsWith('interaction:')) {
    return true;
  }
  try {
    return new URL(offer).searchParams.has('iuv');
  } catch{
    return false;
  }
}

/** exchanges.ts extractCredentialsFrom: a VC, or a VP's credentials. */
function credentialsFrom(object) {
  if(!object || typeof object !== 'object') {
    return [];
  }
  const types = [].concat(object.type || []);
  if(types.includes('VerifiableCredential')) {
    return [object];
  }
  if(types.includes('VerifiablePresentation') || object.verifiableCredential) {
    return [].concat(object.verifiableCredential || []);
  }
  return [];
}

// ---------------------------------------------------------------- signing

const documentLoader = securityLoader({fetchRemoteContexts: false}).build();

async function signDidAuth({wallet, challenge, domain, tamper, date}) {
  const presentation = vc.createPresentation({
    holder: wallet.did,
    verify: false
  });
  if(tamper === 'holder') {
    // Claim a DID whose key did not sign: the issuer must notice.
    const other = await mintDid(randomBytes(32));
    presentation.holder = other.did;
  }
  const options = {
    presentation,
    challenge: tamper === 'challenge' ? 'not-the-challenge-we-were-given' :
      challenge,
    domain: tamper === 'domain' ? 'https://elsewhere.example' : domain,
    documentLoader
  };
  let signed;
  if(tamper === 'dataIntegrity') {
    // The same key, with an eddsa-rdfc-2022 proof (Digital Bazaar's stack).
    const key = await Ed25519Multikey.generate({
      seed: wallet.seed, controller: wallet.did
    });
    key.id = `${wallet.did}#${wallet.did.slice('did:key:'.length)}`;
    presentation['@context'] = [
      ...presentation['@context'], 'https://w3id.org/security/data-integrity/v2'
    ];
    signed = await dbvc.signPresentation({
      ...options,
      suite: new DataIntegrityProof({
        signer: key.signer(), cryptosuite: eddsaRdfc2022Cryptosuite, date
      })
    });
  } else {
    signed = await vc.signPresentation({
      ...options,
      suite: new Ed25519Signature2020({signer: wallet.keyPair.signer(), date})
    });
  }
  if(tamper === 'signature') {
    signed.id = 'urn:uuid:00000000-0000-4000-8000-000000000000';
  }
  return signed;
}

// ---------------------------------------------------------------- flows

async function vcapiExchange({exchangeUrl, wallet, tamper, date}) {
  const first = await send('POST', exchangeUrl, {});
  const request = first.body?.verifiablePresentationRequest;
  if(first.status !== 200 || !request) {
    return {flow: 'vcapi'};
  }
  const queries = [].concat(request.query || []);
  if(!queries.some(query => query.type === 'DIDAuthentication')) {
    throw new HarnessError('the request asks for no DIDAuthentication');
  }
  const {challenge, domain} = request;
  if(!(challenge && domain)) {
    // composeVp.ts: 'Both "challenge" and "domain" are required for DID Auth.'
    throw new HarnessError('LCW refuses a DIDAuth request without ' +
      `challenge and domain, got ${JSON.stringify(request)}`);
  }
  const presentation = await signDidAuth(
    {wallet, challenge, domain, tamper, date});
  const answer = await send('POST', exchangeUrl, {
    verifiablePresentation: presentation
  });
  if(tamper === 'replay') {
    await send('POST', exchangeUrl, {verifiablePresentation: presentation});
  }
  const offer = answer.body?.verifiablePresentation;
  return {flow: 'vcapi', presentation, credentials: credentialsFrom(offer),
    redirectUrl: answer.body?.redirectUrl};
}

async function legacyRequest({offer, wallet, tamper, date}) {
  const params = new URLSearchParams(offer.split('?')[1]);
  if((params.get('auth_type') || 'code') !== 'bearer') {
    throw new HarnessError(
      `Unsupported auth_type value: "${params.get('auth_type')}".`);
  }
  const url = params.get('vc_request_url');
  const presentation = await signDidAuth({
    wallet, challenge: params.get('challenge') || undefined,
    domain: undefined, tamper, date
  });
  const answer = await send('POST', url, presentation);
  if(tamper === 'replay') {
    await send('POST', url, presentation);
  }
  return {flow: 'legacy', presentation,
    credentials: answer.status === 200 ? credentialsFrom(answer.body) : []};
}

runMain(async request => {
  const {offer, tamper} = request;
  if(typeof offer !== 'string') {
    throw new HarnessError('request.offer must be the offer URL');
  }
  if(tamper !== undefined && !TAMPERS.has(tamper)) {
    throw new HarnessError(`unknown tamper ${JSON.stringify(tamper)}`);
  }
  const seed = request.seedHex ? Buffer.from(request.seedHex, 'hex') :
    randomBytes(32);
  const wallet = await mintDid(seed);
  const date = tamper === 'stale' ?
    new Date(Date.now() - 3600 * 1000) : undefined;

  let result;
  if(isLegacy(offer)) {
    allowLoopbackOrigin(new URL(new URLSearchParams(
      offer.split('?')[1]).get('vc_request_url')).origin);
    result = await legacyRequest({offer, wallet, tamper, date});
  } else {
    let exchangeUrl;
    if(isInteraction(offer)) {
      const interactionUrl = offer.startsWith('interaction:') ?
        offer.slice('interaction:'.length) : offer;
      allowLoopbackOrigin(new URL(interactionUrl).origin);
      const answer = await send('GET', interactionUrl, undefined,
        {Accept: 'application/json'});
      exchangeUrl = answer.body?.protocols?.vcapi;
      if(!exchangeUrl) {
        return {holder: wallet.did, flow: 'interaction', steps,
          credentials: []};
      }
    } else {
      const invitation = invitationOf(offer);
      exchangeUrl = invitation?.protocols?.vcapi;
      if(!exchangeUrl) {
        throw new HarnessError('Only the "vcapi" protocol is supported');
      }
      allowLoopbackOrigin(new URL(exchangeUrl).origin);
    }
    result = await vcapiExchange({exchangeUrl, wallet, tamper, date});
  }
  return {
    holder: wallet.did,
    flow: result.flow,
    steps,
    credentials: result.credentials || [],
    presentation: result.presentation
  };
});
