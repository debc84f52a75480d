// Writes dist/scanners/github-secret-scanning.json: the tracked pattern plus the test strings
// GitHub's custom-pattern form asks for, made from fresh tokens at build time so that no
// token-shaped string is ever committed.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSecret } from '../api-client/token-format';

const root = join(__dirname, '..');
const pattern = JSON.parse(readFileSync(join(root, 'scanners', 'github-secret-scanning.pattern.json'), 'utf8')) as Record<string, unknown>;
const [a, b] = [generateSecret(), generateSecret()];
const document = {
  ...pattern,
  test_strings: {
    match: [`WARDEN_TOKEN=${a}`, `token: "${b}"`],
    // Too short; glued to a word character before; one character too long.
    no_match: ['wdn_short', `x${a}`, `${b}0`],
  },
};
mkdirSync(join(root, 'dist', 'scanners'), { recursive: true });
writeFileSync(join(root, 'dist', 'scanners', 'github-secret-scanning.json'), `${JSON.stringify(document, null, 2)}\n`);
