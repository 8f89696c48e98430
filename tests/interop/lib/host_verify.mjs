// What a certified Open Badges 3.0 host does with an upserted credential: verify it (here with
// Digital Bazaar's stack, offline: shipped contexts and did:key issuers). The status list is not
// fetched (the test host has no network); the proof, the issuer binding and the dates are checked.
import * as vc from '@digitalbazaar/vc';

import {errorMessages, makeDocumentLoader, unique, verifySuites} from './common.mjs';

const documentLoader = makeDocumentLoader({});

/** Returns null when the credential verifies, else the reasons in one line. */
export async function verifyCredentialDocument(credential) {
  const result = await vc.verifyCredential({
    credential,
    suite: verifySuites(),
    documentLoader,
    checkStatus: async () => ({verified: true}),
  });
  if (result.verified === true) return null;
  const errors = [...errorMessages(result.error)];
  for (const r of result.results ?? []) errors.push(...errorMessages(r.error));
  return unique(errors).join('; ') || 'it does not verify';
}
