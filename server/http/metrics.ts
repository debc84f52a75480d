import type { FastifyInstance } from 'fastify';
import { serverRoutes } from '../../api-client/contract';

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * Prometheus text exposition of request counts and latencies per route. Small enough to write by
 * hand; a client library would add a dependency for three metric families.
 */
export function registerMetrics(app: FastifyInstance): void {
  const counts = new Map<string, number>();
  const histograms = new Map<string, { buckets: number[]; sum: number; count: number }>();
  const started = Date.now();

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const key = `method="${request.method}",route="${route}",status="${reply.statusCode}"`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    const hkey = `method="${request.method}",route="${route}"`;
    let h = histograms.get(hkey);
    if (!h) histograms.set(hkey, (h = { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 }));
    const seconds = reply.elapsedTime / 1000;
    BUCKETS.forEach((b, i) => {
      if (seconds <= b) h.buckets[i]!++;
    });
    h.sum += seconds;
    h.count++;
  });

  app.get(serverRoutes.metrics.path, async (_request, reply) => {
    const lines = ['# HELP warden_http_requests_total HTTP requests by route and status.', '# TYPE warden_http_requests_total counter'];
    for (const [k, v] of counts) lines.push(`warden_http_requests_total{${k}} ${v}`);
    lines.push('# HELP warden_http_request_duration_seconds HTTP request latency.', '# TYPE warden_http_request_duration_seconds histogram');
    for (const [k, h] of histograms) {
      BUCKETS.forEach((b, i) => lines.push(`warden_http_request_duration_seconds_bucket{${k},le="${b}"} ${h.buckets[i]}`));
      lines.push(`warden_http_request_duration_seconds_bucket{${k},le="+Inf"} ${h.count}`);
      lines.push(`warden_http_request_duration_seconds_sum{${k}} ${h.sum}`, `warden_http_request_duration_seconds_count{${k}} ${h.count}`);
    }
    const mem = process.memoryUsage();
    lines.push(
      '# HELP warden_process_resident_memory_bytes Resident memory.',
      '# TYPE warden_process_resident_memory_bytes gauge',
      `warden_process_resident_memory_bytes ${mem.rss}`,
    );
    lines.push(
      '# HELP warden_process_uptime_seconds Seconds since start.',
      '# TYPE warden_process_uptime_seconds gauge',
      `warden_process_uptime_seconds ${(Date.now() - started) / 1000}`,
    );
    return reply.type('text/plain; version=0.0.4').send(`${lines.join('\n')}\n`);
  });
}
