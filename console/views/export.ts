// "Export as code": the same model and renderers as `warden-server export` (provider/export),
// run in the page over the session's own API calls, shown in HCL / Pulumi / CDKTF tabs with a
// copy button. Read-only: it only lists.
import type { FederatedCredential } from '../../api-client/contract/federation';
import type { Project } from '../../api-client/contract/projects';
import type { RoleBinding } from '../../api-client/contract/role-bindings';
import type { Role } from '../../api-client/contract/roles';
import type { ServiceAccount } from '../../api-client/contract/service-accounts';
import type { Token } from '../../api-client/contract/tokens';
import { type EstateModel, type EstateReader, type ExportFormat, type ExportScope, readEstate, renderText } from '../../provider/export';
import { all } from '../api';
import { announce, h } from '../dom';
import { isName } from '../forms';

const TABS: { format: ExportFormat; label: string; hint: string }[] = [
  { format: 'hcl', label: 'HCL', hint: 'Terraform 1.5+ / OpenTofu 1.6+: save as main.tf, then `terraform init && terraform plan` shows only imports.' },
  {
    format: 'pulumi',
    label: 'Pulumi',
    hint: 'program.ts and index.ts of a Pulumi TypeScript project using warden-iac/pulumi; every account and binding is adopted, the tokens too when adoptTokens is set (that regenerates their secrets).',
  },
  {
    format: 'cdktf',
    label: 'CDKTF',
    hint: 'main.ts of a CDKTF app using warden-iac/constructs; every object is imported (for CDK Terrain, `warden-server export --format cdktn`).',
  },
];

async function exportView(container: HTMLElement, reader: EstateReader, scope: ExportScope, back: { href: string; label: string }): Promise<void> {
  const model: EstateModel = await readEstate(reader, scope);
  const code = h('code', {});
  const pre = h('pre', { class: 'code', tabindex: 0, 'aria-label': 'Exported code' }, code);
  const hint = h('p', { class: 'muted' });
  const tabs = TABS.map(({ format, label }) => h('button', { type: 'button', role: 'tab', id: `tab-${format}`, 'aria-controls': 'export-panel', 'aria-selected': 'false' }, label));
  const select = (i: number) => {
    const tab = TABS[i]!;
    tabs.forEach((t, j) => {
      t.setAttribute('aria-selected', String(i === j));
      t.tabIndex = i === j ? 0 : -1;
    });
    code.textContent = renderText(model, tab.format);
    hint.textContent = tab.hint;
    panel.setAttribute('aria-labelledby', `tab-${tab.format}`);
  };
  tabs.forEach((t, i) => {
    t.addEventListener('click', () => select(i));
    // Arrow keys move between tabs, as the WAI-ARIA tabs pattern has it.
    t.addEventListener('keydown', (ev) => {
      const step = ev.key === 'ArrowRight' ? 1 : ev.key === 'ArrowLeft' ? -1 : 0;
      if (!step) return;
      const next = (i + step + tabs.length) % tabs.length;
      select(next);
      tabs[next]!.focus();
    });
  });
  const copy = h('button', { type: 'button', class: 'primary' }, 'Copy');
  copy.addEventListener('click', () => {
    navigator.clipboard.writeText(code.textContent ?? '').then(
      () => announce('Copied to the clipboard.'),
      () => announce('The browser refused the clipboard: select the text and copy it by hand.', 'error'),
    );
  });
  const panel = h('div', { id: 'export-panel', role: 'tabpanel' }, hint, pre);
  const counts = `${model.accounts.length} service account(s), ${model.bindings.length} role binding(s), ${model.tokens.length} token(s), ${model.credentials.length} federated credential(s).`;
  container.replaceChildren(
    h('p', {}, h('a', { href: back.href }, `← ${back.label}`)),
    h('div', { class: 'titlebar' }, h('h1', {}, 'Export as code'), copy),
    h('p', {}, `Scope: ${model.scope}. ${counts} Token secrets are never exported.`),
    ...(model.unsupported.length
      ? [
          h(
            'div',
            { class: 'reveal', id: 'not-exported' },
            h('p', { class: 'warning' }, 'Not exported:'),
            h('ul', {}, ...model.unsupported.map((u) => h('li', {}, `${u.kind} ${u.name}: ${u.reason}`))),
          ),
        ]
      : []),
    h('div', { role: 'tablist', 'aria-label': 'Format', class: 'tabs' }, ...tabs),
    panel,
  );
  select(0);
}

/** What the export reads, over this session's API calls. */
const sessionReader: EstateReader = {
  projects: () => all<Project>('/v1/projects'),
  roles: () => all<Role>('/v1/roles'),
  serviceAccounts: () => all<ServiceAccount>('/v1/service-accounts'),
  roleBindings: (id) => all<RoleBinding>(`/v1/role-bindings?service_account_id=${encodeURIComponent(id)}`),
  tokens: (id) => all<Token>(`/v1/service-accounts/${encodeURIComponent(id)}/tokens`),
  federatedCredentials: (id) => all<FederatedCredential>(`/v1/service-accounts/${encodeURIComponent(id)}/federated-credentials`),
};

/** #/export?account=<id> (one account) or #/export?project_id=&name= (the list's filter). */
export async function exportPage(page: HTMLElement, params: URLSearchParams): Promise<void> {
  const account = params.get('account');
  const project = params.get('project_id');
  const name = params.get('name');
  // As the list does: a name that is not a valid name is ignored rather than refused.
  const scope = account ? { accountIds: [account] } : { ...(project ? { project } : {}), ...(name && isName(name) ? { name } : {}) };
  const back = account ? { href: `#/accounts/${account}`, label: 'Service account' } : { href: `#/accounts?${params}`, label: 'Service accounts' };
  await exportView(page, sessionReader, scope, back);
}
