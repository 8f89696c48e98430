#!/usr/bin/env node
// Reads the credential out of baked badge images with independent code (the
// png-chunks-extract npm package, with its CRC checks, and @xmldom/xmldom's
// namespace-aware XML parser), then verifies it with the @digitalbazaar stack,
// fully offline.
//
// stdin:  {"png"?: base64 PNG bytes, "svg"?: SVG text,
//          "didDocuments"?: {...}, "statusLists"?: {...}}
// stdout: {"png"?: {"chunks": [type], "credentialChunks": int,
//                   "compressed": bool, "credential": {...}, "verification": {...}},
//          "svg"?: {"credentialElements": int, "credential": {...},
//                   "verification": {...}}}
//
// The Open Badges 3.0 baking rules it checks: one iTXt chunk with the keyword
// "openbadgecredential" before IEND; one <openbadges:credential> element in
// the namespace https://purl.imsglobal.org/ob/v3p0, first child of <svg>.
import './lib/guard.mjs';

import {createRequire} from 'node:module';
import {inflateSync} from 'node:zlib';

import {DOMParser} from '@xmldom/xmldom';

import {HarnessError, runMain} from './lib/common.mjs';
import {verify} from './verify.mjs';

const require = createRequire(import.meta.url);
const extractChunks = require('png-chunks-extract');

const OB3_NAMESPACE = 'https://purl.imsglobal.org/ob/v3p0';
const SVG_NAMESPACE = 'http://www.w3.org/2000/svg';

// iTXt (PNG spec 11.3.4.5): keyword NUL, compression flag, compression
// method, language tag NUL, translated keyword NUL, text.
function readItxt(data) {
  const bytes = Buffer.from(data);
  const keywordEnd = bytes.indexOf(0);
  const keyword = bytes.subarray(0, keywordEnd).toString('latin1');
  const compressed = bytes[keywordEnd + 1] === 1;
  const languageEnd = bytes.indexOf(0, keywordEnd + 3);
  const translatedEnd = bytes.indexOf(0, languageEnd + 1);
  let text = bytes.subarray(translatedEnd + 1);
  if(compressed) {
    text = inflateSync(text);
  }
  return {keyword, compressed, text: text.toString('utf8')};
}

async function fromPng(base64, options) {
  const chunks = extractChunks(Buffer.from(base64, 'base64'));
  const found = chunks
    .filter(chunk => chunk.name === 'iTXt')
    .map(chunk => readItxt(chunk.data))
    .filter(itxt => itxt.keyword === 'openbadgecredential');
  if(found.length === 0) {
    throw new HarnessError('no openbadgecredential iTXt chunk in the PNG');
  }
  const names = chunks.map(chunk => chunk.name);
  if(names.indexOf('iTXt') > names.indexOf('IEND')) {
    throw new HarnessError('the iTXt chunk comes after IEND');
  }
  const credential = JSON.parse(found[0].text);
  return {
    chunks: names,
    credentialChunks: found.length,
    compressed: found[0].compressed,
    credential,
    verification: await verify({...options, credential})
  };
}

async function fromSvg(text, options) {
  const errors = [];
  const document = new DOMParser({
    onError: (level, message) => errors.push(`${level}: ${message}`)
  }).parseFromString(text, 'image/svg+xml');
  if(errors.length) {
    throw new HarnessError(`the SVG is not well-formed XML: ${errors.join('; ')}`);
  }
  const root = document.documentElement;
  if(root.namespaceURI !== SVG_NAMESPACE || root.localName !== 'svg') {
    throw new HarnessError('the root element is not an SVG <svg>');
  }
  const elements = Array.from(
    document.getElementsByTagNameNS(OB3_NAMESPACE, 'credential'));
  if(elements.length === 0) {
    throw new HarnessError(`no <credential> element in ${OB3_NAMESPACE}`);
  }
  const firstElement = Array.from(root.childNodes).find(n => n.nodeType === 1);
  if(firstElement !== elements[0]) {
    throw new HarnessError('<openbadges:credential> is not the first child of <svg>');
  }
  const credential = JSON.parse(elements[0].textContent);
  return {
    credentialElements: elements.length,
    credential,
    verification: await verify({...options, credential})
  };
}

export async function readBaked(request) {
  const {png, svg, didDocuments = {}, statusLists = {}} = request;
  const options = {didDocuments, statusLists};
  const result = {};
  if(png !== undefined) {
    result.png = await fromPng(png, options);
  }
  if(svg !== undefined) {
    result.svg = await fromSvg(svg, options);
  }
  return result;
}

if(import.meta.url === `file://${process.argv[1]}`) {
  runMain(readBaked);
}
