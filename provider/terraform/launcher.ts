// The executable Terraform starts. On Node.js 22.1+ it first turns on Node's module compile cache,
// in the user's cache directory, so that later starts skip compiling the provider's bundle (Terraform
// starts several provider processes per command); then it loads the provider. As for any Node.js
// program, NODE_DISABLE_COMPILE_CACHE=1 turns the cache off.
import module from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';

const { enableCompileCache } = module as { enableCompileCache?: (dir: string) => unknown };
enableCompileCache?.(join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'warden', 'node-compile-cache'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('./provider-main');
