import { spawn } from 'node:child_process';

export interface RunOptions {
  cwd?: string;
  /** The child's whole environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Written to the child's stdin, which is then closed. */
  input?: string;
  /** Kills the child and fails, with what it printed, when it runs longer. */
  timeoutMs?: number;
}

export interface RunResult {
  /** Exit code; -1 when a signal ended the child. */
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they came, for a failure message. */
  output: string;
}

/**
 * Runs a command to its end and collects what it printed. Asynchronous on purpose: the server
 * the command talks to may live in this very process.
 */
export function runCommand(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let output = '';
  child.stdout!.on('data', (d: Buffer) => ((stdout += d.toString()), (output += d.toString())));
  child.stderr!.on('data', (d: Buffer) => ((stderr += d.toString()), (output += d.toString())));
  if (options.input !== undefined) child.stdin!.end(options.input);
  return new Promise((resolve, reject) => {
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            child.kill('SIGKILL');
            reject(new Error(`${command} ${args.join(' ')} did not finish in ${options.timeoutMs} ms:\n${output}`));
          }, options.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, output });
    });
  });
}
