import type { Clock } from '../domain/clock';
import { errors } from '../errors';

/**
 * Fixed windows per key, in memory: enough to blunt guessing against the unauthenticated
 * endpoints of one process. Old windows are dropped as they pass.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  check(key: string): void {
    const now = this.clock.now().getTime();
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      if (this.windows.size > 10_000) this.prune(now);
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    if (++w.count > this.limit) throw errors.rateLimited(Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000)));
  }

  private prune(now: number): void {
    for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k);
  }
}
