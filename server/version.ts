import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

interface PackageJson {
  name?: string;
  version?: string;
  license?: string;
}

/** Warden's own package.json, found from sources (tsx) and from the build (dist/) alike. */
function ownPackage(from: string): PackageJson | null {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
      if (pkg.name === 'warden-iac') return pkg;
    }
  }
  return null;
}

export function packageVersion(from: string = __dirname): string {
  return ownPackage(from)?.version ?? '0.0.0';
}

/** The SPDX license of the package, for the OpenAPI document's `info.license`. */
export function packageLicense(from: string = __dirname): string {
  return ownPackage(from)?.license ?? 'MPL-2.0';
}
