import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

interface PackageJson {
  name?: string;
  version?: string;
  license?: string;
}

/**
 * Warden's own package.json and its directory, found by walking up from `from`: the same from
 * sources (tsx), from the build (dist/) and from a bundle (the provider), and never another
 * package's manifest (a consumer's, when Warden is installed under its node_modules).
 */
function ownPackage(from: string): { root: string; pkg: PackageJson } | null {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
      if (pkg.name === 'warden-iac') return { root: dir, pkg };
    }
  }
  return null;
}

/** The warden-iac package's directory (where dist/ is) and version, read once. */
export function wardenPackage(from: string = __dirname): { root: string; version: string } {
  const own = ownPackage(from);
  if (!own) throw new Error(`cannot find the warden-iac package around ${from}`);
  return { root: own.root, version: own.pkg.version ?? '0.0.0' };
}

/** The directory of the warden-iac package (where dist/ is). */
export function packageRoot(from: string = __dirname): string {
  return wardenPackage(from).root;
}

export function packageVersion(from: string = __dirname): string {
  return ownPackage(from)?.pkg.version ?? '0.0.0';
}

/** The SPDX license of the package, for the OpenAPI document's `info.license`. */
export function packageLicense(from: string = __dirname): string {
  return ownPackage(from)?.pkg.license ?? 'MPL-2.0';
}
