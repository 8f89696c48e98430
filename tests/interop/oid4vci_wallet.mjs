#!/usr/bin/env node
// An OpenID4VCI holder built on an independent client library: the OpenWallet
// Foundation's oid4vc-ts (@openid4vc/openid4vci, @openid4vc/oauth2) with jose
// for the keys and JWTs. It redeems a credential offer on a server on
// loopback with the pre-authorized code flow, as a wallet would:
// resolveCredentialOffer (credential_offer_uri), resolveIssuerMetadata
// (well-known URLs), the token request (with tx_code when asked), the nonce
// endpoint, a `jwt` key proof, the credential request.
//
// Only the loopback origin of the offer is reachable (lib/guard.mjs); plain
// http is allowed for loopback (setGlobalConfig allowInsecureUrls).
//
// stdin: {"offer": "openid-credential-offer://?credential_offer_uri=...",
//         "key"?: "ed25519-did-key" (kid: did:key, default) | "ed25519-jwk" |
//                 "p256-jwk" (jwk header: bound as did:jwk),
//         "draft14"?: true (send the Draft 14 request: format +
//                 credential_definition + proof),
//         "txCode"?: string,
//         "nonce"?: string (use this c_nonce instead of asking for one),
//         "tamper"?: "audience" | "no-nonce" | "typ" | "replay" | "stale"}
// stdout: {"holder", "steps": [{"method", "url", "status", "body"}],
//          "credentials": [...], "nonce", "error"?: {name, message}}
import {allowLoopbackOrigin} from './lib/guard.mjs';

import {createHash, randomBytes} from 'node:crypto';

import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {setGlobalConfig} from '@openid4vc/oauth2';
import {Openid4vciClient} from '@openid4vc/openid4vci';
import * as jose from 'jose';

import {HarnessError, runMain} from './lib/common.mjs';

const TAMPERS = new Set(['audience', 'no-nonce', 'typ', 'replay', 'stale']);
setGlobalConfig({allowInsecureUrls: true});

const steps = [];

/** fetch, recording each exchange for the test to read. */
async function recordingFetch(input, init = {}) {
  const url = typeof input === 'string' ? input : input.url ?? String(input);
  const response = await fetch(input, init);
  const text = await response.clone().text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch{
    body = {unparsed: text.slice(0, 2000)};
  }
  let sent = init.body;
  if(typeof sent === 'string' && sent.startsWith('{')) {
    sent = JSON.parse(sent);
  } else if(sent instanceof URLSearchParams || typeof sent === 'string') {
    sent = Object.fromEntries(new URLSearchParams(String(sent)));
  }
  steps.push({
    method: init.method || 'GET', url, status: response.status, body,
    sent: sent ?? null,
    cacheControl: response.headers.get('cache-control'),
    wwwAuthenticate: response.headers.get('www-authenticate')
  });
  return response;
}

async function walletKey(kind) {
  if(kind === 'p256-jwk') {
    const {publicKey, privateKey} = await jose.generateKeyPair(
      'ES256', {extractable: true});
    const publicJwk = await jose.exportJWK(publicKey);
    return {alg: 'ES256', privateKey, publicJwk,
      signer: {method: 'jwk', alg: 'ES256', publicJwk}};
  }
  const {publicKey, privateKey} = await jose.generateKeyPair(
    'EdDSA', {crv: 'Ed25519', extractable: true});
  const publicJwk = await jose.exportJWK(publicKey);
  if(kind === 'ed25519-jwk') {
    return {alg: 'EdDSA', privateKey, publicJwk,
      signer: {method: 'jwk', alg: 'EdDSA', publicJwk}};
  }
  // The did:key of the same key, computed by Digital Bazaar's library.
  const multikey = await Ed25519Multikey.fromJwk({jwk: publicJwk});
  const did = `did:key:${multikey.publicKeyMultibase}`;
  return {alg: 'EdDSA', privateKey, publicJwk, did,
    signer: {method: 'did', alg: 'EdDSA',
      didUrl: `${did}#${multikey.publicKeyMultibase}`}};
}

runMain(async request => {
  const {offer, tamper} = request;
  if(typeof offer !== 'string' || !offer.startsWith('openid-credential-offer://')) {
    throw new HarnessError('request.offer must be an openid-credential-offer:// URL');
  }
  if(tamper !== undefined && !TAMPERS.has(tamper)) {
    throw new HarnessError(`unknown tamper ${JSON.stringify(tamper)}`);
  }
  const offerUri = new URL(offer).searchParams.get('credential_offer_uri');
  allowLoopbackOrigin(new URL(offerUri).origin);
  const key = await walletKey(request.key || 'ed25519-did-key');

  const client = new Openid4vciClient({
    callbacks: {
      fetch: recordingFetch,
      hash: (data, alg) => {
        if(alg !== 'sha-256') {
          throw new HarnessError(`unexpected hash ${alg}`);
        }
        return new Uint8Array(createHash('sha256').update(data).digest());
      },
      generateRandom: length => new Uint8Array(randomBytes(length)),
      signJwt: async (signer, {header, payload}) => {
        const claims = {...payload};
        const protectedHeader = {...header};
        if(tamper === 'audience') {
          claims.aud = 'https://elsewhere.example/oid4vci';
        }
        if(tamper === 'no-nonce') {
          delete claims.nonce;
        }
        if(tamper === 'typ') {
          protectedHeader.typ = 'JWT';
        }
        if(tamper === 'stale') {
          claims.iat = Math.floor(Date.now() / 1000) - 3600;
        }
        const jwt = await new jose.SignJWT(claims)
          .setProtectedHeader(protectedHeader).sign(key.privateKey);
        return {jwt, signerJwk: key.publicJwk};
      },
      clientAuthentication: () => {}
    }
  });

  const result = {holder: null, steps, credentials: []};
  try {
    const credentialOffer = await client.resolveCredentialOffer(offer);
    const issuerMetadata = await client.resolveIssuerMetadata(
      credentialOffer.credential_issuer);
    result.metadataVersion = issuerMetadata.originalDraftVersion;
    if(request.draft14) {
      // As a wallet that reads no `credential_metadata` treats the issuer.
      issuerMetadata.originalDraftVersion = 'Draft14';
    }
    const {accessTokenResponse} =
      await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
        credentialOffer, issuerMetadata, txCode: request.txCode
      });
    const nonce = request.nonce ??
      (await client.requestNonce({issuerMetadata})).c_nonce;
    result.nonce = nonce;
    const [credentialConfigurationId] =
      credentialOffer.credential_configuration_ids;
    const {jwt} = await client.createCredentialRequestJwtProof({
      issuerMetadata, credentialConfigurationId, signer: key.signer, nonce
    });
    const proofs = request.draft14 ? undefined : {jwt: [jwt]};
    const proof = request.draft14 ? {proof_type: 'jwt', jwt} : undefined;
    const retrieve = () => client.retrieveCredentials({
      issuerMetadata, credentialConfigurationId, proofs, proof,
      accessToken: accessTokenResponse.access_token
    });
    const answer = await retrieve();
    const response = answer.credentialResponse;
    result.credentials = response.credentials ?
      response.credentials.map(item => item.credential ?? item) :
      [response.credential];
    if(tamper === 'replay') {
      await retrieve();
    }
  } catch(e) {
    result.error = {name: e?.name, message: e?.message};
  }
  const subject = result.credentials[0]?.credentialSubject?.id;
  result.holder = key.did ?? subject ?? null;
  result.publicJwk = key.publicJwk;
  return result;
});
