// Hands secrets to CI secret stores directly: GitHub through `gh secret set` (value on stdin, never
// in argv, where `ps` would show it), GitLab through its REST API (value in the request body).
import { spawnSync } from 'node:child_process';
import { CiSecretsError } from './outputs';
import type { Secret } from './render';

/** Replaces every secret in text a tool printed, before it is shown. */
export function redact(text: string, secrets: Secret[]): string {
  return secrets.reduce((t, { value }) => (value ? t.split(value).join('[redacted]') : t), text);
}

export interface GitHubTarget {
  repo?: string;
  environment?: string;
}

export function publishToGitHub(secrets: Secret[], target: GitHubTarget, log: (s: string) => void): void {
  for (const secret of secrets) {
    const args = ['secret', 'set', secret.key, ...(target.repo ? ['--repo', target.repo] : []), ...(target.environment ? ['--env', target.environment] : [])];
    // gh reads the body from stdin when --body is absent and stdin is not a terminal.
    const r = spawnSync('gh', args, { input: secret.value, encoding: 'utf8' });
    if (r.error) {
      const code = (r.error as NodeJS.ErrnoException).code;
      throw new CiSecretsError('WCS_GH', code === 'ENOENT' ? 'gh (GitHub CLI) is not on PATH' : `running gh failed (${code ?? 'unknown error'})`);
    }
    if (r.status !== 0) throw new CiSecretsError('WCS_GH', `gh secret set ${secret.key} failed (exit ${r.status}): ${redact(r.stderr || r.stdout, secrets).trim()}`);
    log(`set GitHub secret ${secret.key}${target.environment ? ` (environment ${target.environment})` : ''}\n`);
  }
}

export interface GitLabTarget {
  /** e.g. https://gitlab.example.com/api/v4 (in GitLab CI: $CI_API_V4_URL). */
  apiUrl: string;
  /** Project id or full path (in GitLab CI: $CI_PROJECT_ID). */
  project: string;
  /** A token with the Maintainer role and `api` scope. */
  token: string;
  protect?: boolean;
}

/** Creates or updates masked, raw (never expanded) project variables. */
export async function publishToGitLab(secrets: Secret[], target: GitLabTarget, log: (s: string) => void): Promise<void> {
  const base = `${target.apiUrl.replace(/\/$/, '')}/projects/${encodeURIComponent(target.project)}/variables`;
  for (const secret of secrets) {
    const body = new URLSearchParams({ value: secret.value, masked: 'true', raw: 'true', protected: String(target.protect ?? false) });
    const send = (method: string, url: string, form: URLSearchParams) =>
      fetch(url, { method, headers: { 'PRIVATE-TOKEN': target.token, 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() }).catch((err: unknown) => {
        throw new CiSecretsError('WCS_GITLAB', `cannot reach ${target.apiUrl} (${(err as { cause?: { code?: string } }).cause?.code ?? 'network error'})`);
      });
    let res = await send('PUT', `${base}/${encodeURIComponent(secret.key)}`, body);
    if (res.status === 404) res = await send('POST', base, new URLSearchParams({ key: secret.key, ...Object.fromEntries(body) }));
    if (!res.ok) {
      throw new CiSecretsError('WCS_GITLAB', `setting GitLab variable ${secret.key} failed (HTTP ${res.status}): ${redact(await res.text(), secrets).slice(0, 300)}`);
    }
    log(`set GitLab CI variable ${secret.key} (masked)\n`);
  }
}
