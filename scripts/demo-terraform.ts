// Runs the real terraform or tofu for the demo: init/apply/plan/destroy, with outputs kept in memory.
import { spawn } from 'node:child_process';

export const QUIET_ENV = { CHECKPOINT_DISABLE: '1', DISABLE_VERSION_CHECK: '1', CDKTF_DISABLE_PLUGIN_CACHE_ENV: '1' };

export class Terraform {
  constructor(
    private readonly binary: string,
    private readonly cwd: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** Runs the engine; output is kept (not shown) and returned with the exit code. */
  exec(args: string[], okCodes = [0]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolvePromise, reject) => {
      const child = spawn(this.binary, [...args], { cwd: this.cwd, env: { ...process.env, ...QUIET_ENV, ...this.env, TF_IN_AUTOMATION: '1' } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => {
        if (code !== null && okCodes.includes(code)) resolvePromise({ code, stdout, stderr });
        // The engine redacts sensitive values in its own output, so its error text is safe to show.
        else reject(new Error(`${this.binary} ${args[0]} failed (exit ${code}):\n${stderr || stdout}`));
      });
    });
  }

  init = () => this.exec(['init', '-input=false', '-no-color']);
  apply = () => this.exec(['apply', '-auto-approve', '-input=false', '-no-color']);
  destroy = () => this.exec(['destroy', '-auto-approve', '-input=false', '-no-color']);
  /** 0: no changes, 2: changes. */
  planExitCode = async () => (await this.exec(['plan', '-detailed-exitcode', '-input=false', '-no-color'], [0, 2])).code;
  /** `terraform output -json`, kept in memory: it holds the secrets. */
  outputJson = async () => (await this.exec(['output', '-json'])).stdout;
}
