#!/usr/bin/env node
// Self-check of the network guard: every way out is refused.
// Targets are loopback only, so a broken guard still sends nothing outside.
// stdin: {} -> stdout: {"fetch", "http", "https", "net", "dns"}: messages
// (each value is the refusal message, or "NOT REFUSED").
import './lib/guard.mjs';

import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

import {runMain} from './lib/common.mjs';

async function attempt(fn) {
  try {
    await fn();
    return 'NOT REFUSED';
  } catch(e) {
    return `${e.name}: ${e.message}`;
  }
}

function request(mod, url) {
  return new Promise((resolve, reject) => {
    const req = mod.get(url, res => {
      res.resume();
      resolve();
    });
    req.on('error', reject);
    req.setTimeout(2000, () => req.destroy(new Error('timeout (not refused)')));
  });
}

runMain(async () => ({
  fetch: await attempt(() => fetch('http://127.0.0.1:9/ns/credentials/v2')),
  http: await attempt(() => request(http, 'http://localhost:9/')),
  https: await attempt(() => request(https, 'https://localhost:9/')),
  net: await attempt(() => new Promise((resolve, reject) => {
    const socket = net.connect({host: '127.0.0.1', port: 9}, resolve);
    socket.on('error', reject);
  })),
  dns: await attempt(() => dns.promises.lookup('localhost'))
}));
