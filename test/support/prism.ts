import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onFreePort } from './ports';
import { ROOT } from './server';

/**
 * Stoplight Prism in proxy mode: an OpenAPI validator nobody here wrote, in its own process. It
 * forwards each request to the real server and reports, in the `sl-violations` response header,
 * where the answer departs from the document (undeclared status, missing declared header, body not
 * matching its schema, wrong media type) and where the request matched no documented operation.
 */
export interface Violation {
  location: string[];
  severity: string;
  message: string;
  code?: string | number;
}

export interface Prism {
  url: string;
  stop(): Promise<void>;
}

/**
 * `document`: a URL (the served /v1/openapi.json) or a file path. A URL is fetched here and handed
 * to Prism as a file: Prism's own download fails on Node 24 (its fetch refuses Node's AbortSignal).
 */
export async function startPrismProxy(document: string, upstream: string): Promise<Prism> {
  let file = document;
  let cleanup = () => undefined as void;
  if (/^https?:\/\//.test(document)) {
    const dir = mkdtempSync(join(tmpdir(), 'warden-prism-'));
    file = join(dir, 'openapi.json');
    writeFileSync(file, await (await fetch(document)).text());
    cleanup = () => rmSync(dir, { recursive: true, force: true });
  }
  // Prism must be told its port: a port taken between choosing and binding is retried.
  return onFreePort((port) => startPrism(file, upstream, port)).then(
    ({ child, port }) => ({
      url: `http://127.0.0.1:${port}`,
      stop: () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }).finally(cleanup),
    }),
    (err: unknown) => {
      cleanup();
      throw err;
    },
  );
}

async function startPrism(file: string, upstream: string, port: number): Promise<{ child: ChildProcess; port: number }> {
  const child: ChildProcess = spawn(
    process.execPath,
    [`${ROOT}/node_modules/@stoplight/prism-cli/dist/index.js`, 'proxy', file, upstream, '--host', '127.0.0.1', '--port', String(port), '--errors=false'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Prism did not start in 60 s:\n${output}`));
    }, 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Prism is listening')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Prism exited with ${code}:\n${output}`));
    });
  });
  return { child, port };
}

export function violationsOf(headers: Headers): Violation[] {
  const raw = headers.get('sl-violations');
  return raw ? (JSON.parse(raw) as Violation[]) : [];
}

/**
 * What the server is answerable for: every response violation, and a request that matched no
 * documented operation (an undocumented endpoint or method). Request violations are otherwise
 * expected: the run sends bad requests on purpose to get the refusals.
 */
export function serverViolations(headers: Headers): Violation[] {
  return violationsOf(headers).filter((v) => v.location[0] === 'response' || /route not (found|resolved)/i.test(v.message));
}
