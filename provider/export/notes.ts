import type { Token } from '../../api-client/contract';
import type { EstateModel } from './model';

/** The explanation every rendering starts with, as plain lines (each renderer adds its comment marker). */
export function headerLines(model: EstateModel, tool: string): string[] {
  const lines = [
    `Exported from Warden by \`warden-server export\`: ${model.scope}.`,
    `${model.accounts.length} service account(s), ${model.bindings.length} role binding(s), ${model.tokens.length} token(s), ${model.credentials.length} federated credential(s), ${model.roles.length} custom role(s) (read as data, not managed).`,
  ];
  // Kinds the provider has no resource for: named, so that nothing is left out unsaid.
  lines.push(
    'Not resources of the provider, so not declared: projects (their ids are named below), custom role definitions (referred to by name; data sources in HCL and CDKTF), people and their personal tokens.',
  );
  if (model.tokens.length > 0) {
    lines.push(
      'Token secrets are not exported: the server keeps only their digests, so no one can read them back.',
      'Each token keeps its name, scopes and expiry rule (the server reports the absolute expires_at).',
      tool === 'pulumi'
        ? 'Rotation: tokens are adopted only when the program is asked to (adoptTokens), because adopting a token regenerates its secret (overlapSeconds of overlap); otherwise they stay on the server, untouched and unmanaged.'
        : 'Rotation: importing does not rotate, and the first apply changes nothing; `token` stays null until a rotation. To rotate, add rotation_triggers (and overlap_seconds) and apply, then change a trigger.',
    );
  }
  const wrapped = lines.flatMap((l) => wrap(l, ''));
  if (model.unsupported.length > 0) {
    wrapped.push('Not exported (found, but cannot be declared so that the first plan changes nothing):');
    for (const u of model.unsupported) wrapped.push(...wrap(`- ${u.kind} ${u.name} (${u.id}): ${u.reason}`, '    ', '  '));
  }
  return wrapped;
}

/** Word-wraps at 96 columns, so the comments read in an editor and in the console alike. */
function wrap(text: string, indent: string, first = ''): string[] {
  const out: string[] = [];
  let line = first;
  for (const word of text.split(' ')) {
    if (line.trim() && line.length + word.length + 1 > 96) {
      out.push(line);
      line = indent;
    }
    line += line.trim() ? ` ${word}` : word;
  }
  out.push(line);
  return out;
}

const DAY_MS = 24 * 3600 * 1000;

/** The token's expiry rule in words. The server reports absolute times only, so a relative lifetime is inferred when whole. */
export function lifetimeOf(t: Token): string {
  if (t.expires_at === null) return 'never expires';
  if (t.extended) return `sliding expiry, now ${t.expires_at}, capped at ${String(t.max_age_days)} days after creation`;
  const days = (Date.parse(t.expires_at) - Date.parse(t.created_at)) / DAY_MS;
  // Declared as expires_at: an expires_in_days the imported state lacks would make the first plan an update.
  return Math.abs(days - Math.round(days)) < 1 / 24 ? `expires at ${t.expires_at} (${Math.round(days)} days after creation)` : `expires at ${t.expires_at}`;
}
