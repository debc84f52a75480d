// The estate to export, read once through the API and shared by every renderer (HCL, Pulumi,
// CDKTF/cdktn), in the CLI and in the console. Browser-safe: types only from the contract, and the
// reading is behind EstateReader so each side brings its own transport.
import type { FederatedCredential, Project, Role, RoleBinding, ServiceAccount, Token } from '../../api-client/contract';

/** What the export reads. Every method returns every item (all pages). */
export interface EstateReader {
  projects(): Promise<Project[]>;
  roles(): Promise<Role[]>;
  serviceAccounts(): Promise<ServiceAccount[]>;
  roleBindings(serviceAccountId: string): Promise<RoleBinding[]>;
  tokens(serviceAccountId: string): Promise<Token[]>;
  federatedCredentials(serviceAccountId: string): Promise<FederatedCredential[]>;
}

export interface ExportScope {
  /** A project's id or name: only that project's accounts. Unset: the whole organization. */
  project?: string;
  /** Only accounts whose name matches: `*` matches any run of characters; no `*` means exact. */
  name?: string;
  /** Only these account ids (the console's "export this account"). */
  accountIds?: string[];
}

export interface ExportedAccount {
  /** Resource name in the generated code: stable (derived from names, not ids) and readable. */
  key: string;
  account: ServiceAccount;
  /** Key of the project in `projects`, for project-scoped accounts. */
  projectKey: string | null;
}
export interface ExportedBinding {
  key: string;
  binding: RoleBinding;
  accountKey: string;
  projectKey: string | null;
  /** Key of the custom role's data source; null for a built-in role. */
  roleKey: string | null;
}
export interface ExportedToken {
  key: string;
  token: Token;
  accountKey: string;
}
export interface ExportedCredential {
  key: string;
  credential: FederatedCredential;
  accountKey: string;
}
export interface ExportedProject {
  key: string;
  project: Project;
}
export interface ExportedRole {
  key: string;
  role: Role;
}
/** An object the export found and could not declare, with why: listed, never dropped silently. */
export interface Unsupported {
  kind: 'token' | 'role_binding' | 'role' | 'service_account';
  id: string;
  name: string;
  reason: string;
}

export interface EstateModel {
  /** The scope, in words, for headers ("the whole organization", `project "payments"`...). */
  scope: string;
  projects: ExportedProject[];
  roles: ExportedRole[];
  accounts: ExportedAccount[];
  bindings: ExportedBinding[];
  tokens: ExportedToken[];
  credentials: ExportedCredential[];
  unsupported: Unsupported[];
}

/** Bad input to the export, naming the option: `code` is stable for callers to match on. */
export class ExportScopeError extends Error {
  readonly code = 'WARDEN_EXPORT_ERR_SCOPE';
  constructor(
    readonly option: 'project' | 'name' | 'accountIds',
    message: string,
  ) {
    super(message);
  }
}

/** An identifier safe in HCL, TypeScript and construct ids: lower case, `_` for anything else. */
export function identifier(text: string): string {
  const id = text
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return /^[a-z_]/.test(id) ? id || '_' : `_${id}`;
}

/** Hands out keys, suffixing `_2`, `_3`... when two objects would share one. */
class Keys {
  private readonly used = new Set<string>();
  take(wanted: string): string {
    let key = identifier(wanted);
    for (let n = 2; this.used.has(key); n++) key = `${identifier(wanted)}_${n}`;
    this.used.add(key);
    return key;
  }
}

const NAME_FILTER = /^[a-z0-9_*-]{1,63}$/i;

function matcher(pattern: string): (name: string) => boolean {
  if (!NAME_FILTER.test(pattern))
    throw new ExportScopeError('name', `--name "${pattern}" is not a name pattern: use letters, digits, "-", "_" and "*" (any run of characters), at most 63 characters`);
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[-]/g, '\\-'))
      .join('.*')}$`,
  );
  return (name) => re.test(name);
}

/** Why a token cannot be declared so that the first plan changes nothing, if it cannot. */
function tokenUnsupported(t: Token): string | undefined {
  if (t.state === 'revoked') return 'revoked: kept by the server as history only';
  if (t.state === 'expired') return 'expired: declaring it would make the first plan replace it';
  if (t.disabled) return 'disabled: the provider re-enables disabled tokens, so the first plan would change it';
  return undefined;
}

/** Reads the estate in `scope` into the model every renderer uses. Deterministic for a given estate. */
export async function readEstate(reader: EstateReader, scope: ExportScope = {}): Promise<EstateModel> {
  const accept = scope.name !== undefined ? matcher(scope.name) : () => true;
  const [allProjects, allRoles, allAccounts] = await Promise.all([reader.projects(), reader.roles(), reader.serviceAccounts()]);
  let project: Project | undefined;
  if (scope.project !== undefined) {
    project = allProjects.find((p) => p.id === scope.project) ?? allProjects.find((p) => p.name === scope.project);
    if (!project)
      throw new ExportScopeError('project', `--project "${scope.project}": no project has this id or name (known: ${allProjects.map((p) => p.name).join(', ') || 'none'})`);
  }
  if (scope.accountIds !== undefined) {
    const missing = scope.accountIds.filter((id) => !allAccounts.some((a) => a.id === id));
    if (missing.length > 0) throw new ExportScopeError('accountIds', `no service account has id ${missing.map((id) => `"${id}"`).join(', ')}`);
  }
  // Code-point order, not the locale's: the same estate gives the same text on every machine.
  const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const by =
    <T>(key: (x: T) => string) =>
    (a: T, b: T) =>
      compare(key(a), key(b));
  const projectName = (id: string | null) => (id === null ? '' : (allProjects.find((p) => p.id === id)?.name ?? id));
  // Organization accounts first, then by project name, then by name: keys then do not depend on ids.
  const accounts = allAccounts
    .filter((a) => (project ? a.project_id === project.id : true) && accept(a.name) && (scope.accountIds ? scope.accountIds.includes(a.id) : true))
    .sort(by((a) => `${a.project_id ? '1' : '0'}${projectName(a.project_id)}/${a.name}`));

  const keys = new Keys();
  const projects: ExportedProject[] = [];
  const projectKeys = new Keys();
  const projectKey = (id: string | null): string | null => {
    if (id === null) return null;
    const found = projects.find((p) => p.project.id === id);
    if (found) return found.key;
    const p = allProjects.find((x) => x.id === id);
    // A binding may name a project the caller cannot list; its id is then used as it is.
    const key = projectKeys.take(p?.name ?? id);
    projects.push({ key, project: p ?? ({ id, name: id } as Project) });
    return key;
  };
  const roles: ExportedRole[] = [];
  const roleKeys = new Keys();
  const roleKey = (name: string): string | null => {
    const role = allRoles.find((r) => r.name === name);
    if (!role || role.built_in) return null;
    const found = roles.find((r) => r.role.name === name);
    if (found) return found.key;
    const key = roleKeys.take(name);
    roles.push({ key, role });
    return key;
  };

  const model: EstateModel = {
    scope: [
      project ? `project "${project.name}"` : scope.accountIds ? '' : 'the whole organization',
      scope.name !== undefined ? `accounts named "${scope.name}"` : '',
      scope.accountIds ? `account(s) ${accounts.map((a) => `"${a.name}"`).join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(', '),
    projects,
    roles,
    accounts: [],
    bindings: [],
    tokens: [],
    credentials: [],
    unsupported: [],
  };
  for (const account of accounts) {
    const pKey = projectKey(account.project_id);
    const key = keys.take(pKey ? `${pKey}_${account.name}` : account.name);
    model.accounts.push({ key, account, projectKey: pKey });
  }
  for (const { key: accountKey, account } of model.accounts) {
    const [bindings, tokens, credentials] = await Promise.all([reader.roleBindings(account.id), reader.tokens(account.id), reader.federatedCredentials(account.id)]);
    bindings.sort(by((b) => `${projectName(b.project_id)}/${b.role}`));
    for (const binding of bindings) {
      const pKey = projectKey(binding.project_id);
      const known = allRoles.some((r) => r.name === binding.role);
      if (!known) {
        model.unsupported.push({
          kind: 'role_binding',
          id: binding.id,
          name: `${account.name}: ${binding.role}`,
          reason: `its role "${binding.role}" is not visible to this token`,
        });
        continue;
      }
      model.bindings.push({ key: keys.take(`${accountKey}_${binding.role}${pKey ? `_${pKey}` : ''}`), binding, accountKey, projectKey: pKey, roleKey: roleKey(binding.role) });
    }
    tokens.sort(by((t) => `${t.name}/${t.created_at}`));
    for (const token of tokens) {
      const why = tokenUnsupported(token);
      if (why) model.unsupported.push({ kind: 'token', id: `${account.id}/${token.id}`, name: `${account.name}/${token.name}`, reason: why });
      else model.tokens.push({ key: keys.take(`${accountKey}_${token.name}`), token, accountKey });
    }
    credentials.sort(by((c) => c.name));
    for (const credential of credentials) model.credentials.push({ key: keys.take(`${accountKey}_${credential.name}`), credential, accountKey });
  }
  projects.sort(by((p) => p.key));
  roles.sort(by((r) => r.key));
  return model;
}
