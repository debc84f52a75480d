import type { Queryable, Store } from './db';

/** A statement, or code for what SQL cannot say portably (a backfill). */
type Step = string | ((tx: Queryable) => Promise<void>);

/**
 * Tokens from before `lifetime_seconds` existed: the rule is read back from what they hold
 * (an extended token's sliding age, else creation to expiry; no expiry: never).
 */
async function backfillLifetimes(tx: Queryable): Promise<void> {
  const rows = await tx.all<{ id: string; created_at: string; expires_at: string | null; extended: number; max_age_days: number | null }>(
    "SELECT id, created_at, expires_at, extended, max_age_days FROM tokens WHERE kind = 'api' AND expires_at IS NOT NULL",
  );
  for (const r of rows) {
    const seconds =
      Number(r.extended) === 1 && r.max_age_days !== null ? r.max_age_days * 86400 : Math.max(1, Math.round((Date.parse(r.expires_at!) - Date.parse(r.created_at)) / 1000));
    await tx.run('UPDATE tokens SET lifetime_seconds = ? WHERE id = ?', [seconds, r.id]);
  }
}

/** Ordered, append-only. Each entry runs once, inside a transaction, at start-up. */
const MIGRATIONS: Step[][] = [
  [
    `CREATE TABLE projects (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, description TEXT NOT NULL,
      created_at TEXT NOT NULL, updated_at TEXT NOT NULL, version INTEGER NOT NULL)`,
    `CREATE TABLE roles (name TEXT PRIMARY KEY, description TEXT NOT NULL, permissions TEXT NOT NULL,
      built_in INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, version INTEGER NOT NULL)`,
    `CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT NOT NULL, password_hash TEXT,
      active INTEGER NOT NULL, external_id TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, version INTEGER NOT NULL)`,
    `CREATE TABLE service_accounts (id TEXT PRIMARY KEY, uid TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
      display_name TEXT NOT NULL, description TEXT NOT NULL, project_id TEXT REFERENCES projects(id),
      scope_key TEXT NOT NULL, disabled INTEGER NOT NULL, expires_at TEXT, teams TEXT NOT NULL,
      created_at TEXT NOT NULL, updated_at TEXT NOT NULL, version INTEGER NOT NULL, UNIQUE (scope_key, name))`,
    `CREATE INDEX service_accounts_project ON service_accounts (project_id)`,
    `CREATE TABLE role_bindings (id TEXT PRIMARY KEY, principal_type TEXT NOT NULL, principal_id TEXT NOT NULL,
      role TEXT NOT NULL REFERENCES roles(name), project_id TEXT REFERENCES projects(id), scope_key TEXT NOT NULL,
      created_at TEXT NOT NULL, UNIQUE (principal_type, principal_id, role, scope_key))`,
    `CREATE INDEX role_bindings_principal ON role_bindings (principal_id)`,
    `CREATE TABLE tokens (id TEXT PRIMARY KEY, kind TEXT NOT NULL, owner_type TEXT NOT NULL, owner_id TEXT NOT NULL,
      name TEXT NOT NULL, digest TEXT NOT NULL UNIQUE, hint TEXT NOT NULL, scopes TEXT NOT NULL, expires_at TEXT,
      max_expires_at TEXT, extended INTEGER NOT NULL, max_age_days INTEGER, disabled INTEGER NOT NULL,
      revoked_at TEXT, previous_digest TEXT, previous_expires_at TEXT, created_at TEXT NOT NULL,
      last_used_at TEXT, version INTEGER NOT NULL)`,
    `CREATE UNIQUE INDEX tokens_live_name ON tokens (owner_type, owner_id, name) WHERE revoked_at IS NULL`,
    `CREATE INDEX tokens_owner ON tokens (owner_id)`,
    `CREATE INDEX tokens_previous_digest ON tokens (previous_digest)`,
    `CREATE TABLE idempotency_keys (principal_id TEXT NOT NULL, idem_key TEXT NOT NULL, request_hash TEXT NOT NULL,
      status INTEGER NOT NULL, response TEXT NOT NULL, secret_token_id TEXT, created_at TEXT NOT NULL,
      PRIMARY KEY (principal_id, idem_key))`,
    `CREATE TABLE audit_events (id TEXT PRIMARY KEY, time TEXT NOT NULL, actor_type TEXT NOT NULL, actor_id TEXT,
      actor_token_id TEXT, action TEXT NOT NULL, target_type TEXT NOT NULL, target_id TEXT, outcome TEXT NOT NULL,
      request_id TEXT NOT NULL)`,
    `CREATE INDEX audit_events_actor ON audit_events (actor_id)`,
    `CREATE INDEX audit_events_target ON audit_events (target_id)`,
  ],
  [
    // Per-install values the server generates once (the idempotency fingerprint key).
    `CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)`,
    // Records from before were fingerprinted with plain SHA-256 over bodies holding passwords;
    // they live a day at most, so they are dropped rather than kept at rest.
    `DELETE FROM idempotency_keys`,
  ],
  [`ALTER TABLE tokens ADD COLUMN lifetime_seconds INTEGER`, backfillLifetimes],
  [
    `CREATE TABLE federated_credentials (id TEXT PRIMARY KEY, service_account_id TEXT NOT NULL REFERENCES service_accounts(id),
      name TEXT NOT NULL, issuer TEXT NOT NULL, audience TEXT NOT NULL, subject TEXT NOT NULL, claims TEXT NOT NULL,
      max_token_lifetime_seconds INTEGER NOT NULL, created_at TEXT NOT NULL, UNIQUE (service_account_id, name))`,
    `CREATE INDEX federated_credentials_issuer ON federated_credentials (issuer)`,
    // Seen subject tokens, until they expire: a replay is refused by every process sharing the store.
    `CREATE TABLE federation_replay (issuer TEXT NOT NULL, jti TEXT NOT NULL, expires_at TEXT NOT NULL, PRIMARY KEY (issuer, jti))`,
    `CREATE INDEX federation_replay_expiry ON federation_replay (expires_at)`,
    // Exchanges are audited with the external subject that made them (never the token itself).
    `ALTER TABLE audit_events ADD COLUMN external_subject TEXT`,
  ],
  [
    // Digests of every secret ever issued, so a client-supplied secret is accepted only once.
    `CREATE TABLE secret_digests (digest TEXT PRIMARY KEY, created_at TEXT NOT NULL)`,
    `INSERT INTO secret_digests (digest, created_at) SELECT digest, created_at FROM tokens`,
    `INSERT INTO secret_digests (digest, created_at) SELECT previous_digest, created_at FROM tokens WHERE previous_digest IS NOT NULL ON CONFLICT DO NOTHING`,
  ],
  [
    // Network binding (JSON arrays of CIDRs; empty: anywhere) and inactivity expiry.
    `ALTER TABLE service_accounts ADD COLUMN allowed_cidrs TEXT NOT NULL DEFAULT '[]'`,
    `ALTER TABLE tokens ADD COLUMN allowed_cidrs TEXT NOT NULL DEFAULT '[]'`,
    `ALTER TABLE tokens ADD COLUMN max_unused_days INTEGER`,
  ],
  // One name for the rotation overlap in every layer (API: overlap_seconds, overlap_ends_at).
  [`ALTER TABLE tokens RENAME COLUMN previous_expires_at TO overlap_ends_at`],
];

export async function migrate(store: Store): Promise<void> {
  // Several processes may start at once on one PostgreSQL database: the exclusive transaction
  // lets one migrate while the others wait, then find the work done.
  await store.transaction(
    async (tx) => {
      await tx.run('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
      for (let i = 0; i < MIGRATIONS.length; i++) {
        const version = i + 1;
        if (await tx.get('SELECT version FROM schema_migrations WHERE version = ?', [version])) continue;
        for (const step of MIGRATIONS[i]!) await (typeof step === 'string' ? tx.run(step) : step(tx));
        await tx.run('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)', [version, new Date().toISOString()]);
      }
    },
    { exclusive: true },
  );
}
