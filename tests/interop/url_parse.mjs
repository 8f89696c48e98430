#!/usr/bin/env node
// Parses each string with the WHATWG URL parser, as JavaScript verifiers and wallets do.
//
// stdin:  {"urls": ["https://...", ...]}
// stdout: {"results": [{"url", "ok": bool, "href"?: string, "error"?: string}]}
import './lib/guard.mjs';

import {HarnessError, runMain} from './lib/common.mjs';

await runMain(async request => {
  if(!Array.isArray(request.urls)) {
    throw new HarnessError('"urls" must be a list of strings');
  }
  return {
    results: request.urls.map(url => {
      try {
        return {url, ok: true, href: new URL(url).href};
      } catch(e) {
        return {url, ok: false, error: e.message};
      }
    })
  };
});
