import type { WardenClient } from '../../api-client';
import type { EstateReader } from './model';

/** The export's reader over the typed client: every page of every list, read-only calls only. */
export function clientReader(client: WardenClient): EstateReader {
  const all = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
    const out: T[] = [];
    for await (const item of items) out.push(item);
    return out;
  };
  const pages = async <T>(list: (pageToken?: string) => Promise<{ items: T[]; next_page_token?: string | null }>): Promise<T[]> => {
    const out: T[] = [];
    let token: string | undefined;
    do {
      const page = await list(token);
      out.push(...page.items);
      token = page.next_page_token ?? undefined;
    } while (token);
    return out;
  };
  return {
    projects: () => all(client.paginate('listProjects')),
    roles: () => all(client.paginate('listRoles')),
    serviceAccounts: () => all(client.paginate('listServiceAccounts')),
    roleBindings: (id) => all(client.paginate('listRoleBindings', { service_account_id: id })),
    tokens: (id) => pages((page_token) => client.listServiceAccountTokens(id, page_token ? { page_token } : {})),
    federatedCredentials: (id) => pages((page_token) => client.listFederatedCredentials(id, page_token ? { page_token } : {})),
  };
}
