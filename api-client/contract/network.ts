import { isIPv4, isIPv6 } from 'node:net';
import { z } from 'zod';
import { ALLOWED_CIDRS, MAX_UNUSED_DAYS } from './limits';

/**
 * Network binding (`allowed_cidrs`) and inactivity expiry (`max_unused_days`), their limits from
 * ./limits. The CIDR arithmetic lives here too, so server and clients agree on what a CIDR means.
 */

/** The address as bytes (4 or 16); an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) reads as IPv4. */
export function addressBytes(address: string): number[] | undefined {
  if (isIPv4(address)) return address.split('.').map(Number);
  if (!isIPv6(address)) return undefined;
  let text = address.toLowerCase();
  const tail: number[] = [];
  const v4 = /:(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    tail.push(...v4[1]!.split('.').map(Number));
    text = `${text.slice(0, -v4[1]!.length)}0:0`;
  }
  const [head, rest] = text.includes('::') ? text.split('::') : [text, undefined];
  const groups = (s: string | undefined) => (s ? s.split(':').filter((g) => g !== '') : []);
  const h = groups(head);
  const r = groups(rest);
  const all = [...h, ...Array<string>(8 - h.length - r.length).fill('0'), ...r].map((g) => parseInt(g, 16));
  const bytes = all.flatMap((g) => [g >> 8, g & 0xff]);
  if (v4) bytes.splice(12, 4, ...tail);
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? bytes.slice(12) : bytes;
}

function parseCidr(cidr: string): { bytes: number[]; prefix: number } | string {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(cidr);
  if (!match) return 'must be a CIDR block such as 203.0.113.0/24 or 2001:db8::/32 (one address: /32 or /128)';
  const bytes = isIPv4(match[1]!) ? match[1]!.split('.').map(Number) : isIPv6(match[1]!) ? addressBytes(match[1]!) : undefined;
  if (!bytes || (isIPv6(match[1]!) && bytes.length === 4)) return 'must start with an IPv4 or IPv6 address (IPv4-mapped IPv6 is written as IPv4)';
  const prefix = Number(match[2]);
  if (prefix > bytes.length * 8) return `has a prefix longer than ${bytes.length * 8} bits`;
  const hostBitsSet = bytes.some((b, i) => (b & (0xff >> Math.min(8, Math.max(0, prefix - i * 8)))) !== 0 && prefix < (i + 1) * 8);
  if (hostBitsSet) return 'has host bits set: write the network address (e.g. 10.0.0.0/8, not 10.1.2.3/8)';
  return { bytes, prefix };
}

/** Whether `address` lies in `cidr` (an IPv4 address never matches an IPv6 block, and the reverse). */
export function inCidr(address: string, cidr: string): boolean {
  const ip = addressBytes(address);
  const block = parseCidr(cidr);
  if (!ip || typeof block === 'string' || ip.length !== block.bytes.length) return false;
  for (let bit = 0; bit < block.prefix; bit++) {
    const mask = 0x80 >> (bit % 8);
    if ((ip[bit >> 3]! & mask) !== (block.bytes[bit >> 3]! & mask)) return false;
  }
  return true;
}

export const Cidr = z
  .string()
  .max(ALLOWED_CIDRS.maxLength)
  .superRefine((value, ctx) => {
    const parsed = parseCidr(value);
    if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
  });

/** Described where it is used: an account's networks and a token's (within its owner's) differ. */
export const AllowedCidrs = z.array(Cidr).max(ALLOWED_CIDRS.maxItems);

/** Requests from elsewhere are refused: said once, for both. */
export const REFUSED_ELSEWHERE = 'Requests from elsewhere are refused (401) and audited as "auth.refused_network".';

export const MaxUnusedDays = z
  .number()
  .int()
  .min(MAX_UNUSED_DAYS.min)
  .max(MAX_UNUSED_DAYS.max)
  .describe(
    `The token stops working after this many days without use (${MAX_UNUSED_DAYS.min}-${MAX_UNUSED_DAYS.max}, counted from its last use, or from creation); it then reads as expired. Absent or null: no limit.`,
  );
