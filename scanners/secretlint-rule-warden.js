'use strict';
/**
 * secretlint rule for Warden API tokens. Unlike a plain pattern it also checks the token's CRC32
 * checksum, so random strings of the same shape are not reported. Use it in .secretlintrc.json:
 *   { "rules": [{ "id": "warden-iac/scanners/secretlint-rule-warden.js" }] }
 */
const { crc32 } = require('node:zlib');

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const PATTERN = /(?<![0-9A-Za-z_])wdn_[0-9A-Za-z]{36}(?![0-9A-Za-z_])/g;

function base62(value, width) {
  let out = '';
  for (let i = 0; i < width; i++) {
    out = BASE62[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

/** The last 6 characters are the base62 CRC32 of what precedes them. */
function hasValidChecksum(token) {
  return base62(crc32(token.slice(0, -6)) >>> 0, 6) === token.slice(-6);
}

const messages = {
  WardenToken: {
    en: (props) => `found a Warden API token: ${props.token}; revoke it (POST /v1/tokens/report-leak) and remove it`,
    ja: (props) => `Warden API トークンが見つかりました: ${props.token}`,
  },
};

const creator = {
  messages,
  meta: {
    id: 'warden-iac/secretlint-rule-warden',
    recommended: true,
    type: 'scanner',
    supportedContentTypes: ['text'],
    docs: { url: 'https://github.com/warden/warden/blob/main/docs/server.md#secret-scanners' },
  },
  create(context) {
    const t = context.createTranslator(messages);
    return {
      file(source) {
        for (const match of source.content.matchAll(PATTERN)) {
          if (!hasValidChecksum(match[0])) continue;
          context.report({ message: t('WardenToken', { token: match[0] }), range: [match.index, match.index + match[0].length] });
        }
      },
    };
  },
};

module.exports = { creator, PATTERN, hasValidChecksum };
