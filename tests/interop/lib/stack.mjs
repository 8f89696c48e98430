// Re-exports of the @digitalbazaar stack for scripts outside tests/interop
// (e.g. benchmarks/node/bench.mjs), whose bare imports would not resolve to
// tests/interop/node_modules.
export * as vc from '@digitalbazaar/vc';
export {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
export {default as jsigs} from 'jsonld-signatures';
export {createCredential, createList} from '@digitalbazaar/vc-bitstring-status-list';
