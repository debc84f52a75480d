import { randomBytes } from 'node:crypto';

/** Opaque ids that sort by creation time, so pages can resume after the last id seen. */
export function newId(prefix: string): string {
  const time = Date.now().toString(36).padStart(9, '0');
  return `${prefix}_${time}${randomBytes(8).toString('hex')}`;
}
