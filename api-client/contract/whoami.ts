import { z } from 'zod';
import { Id } from './common';
import { RoleBinding } from './role-bindings';
import { Permission } from './roles';
import { TokenScope } from './tokens';

export const WhoAmI = z.object({
  user_type: z.enum(['user', 'service']),
  id: Id,
  name: z.string(),
  token_id: Id.nullable().describe('null for a password session'),
  scopes: z.array(TokenScope),
  bindings: z.array(RoleBinding.omit({ service_account_id: true }).extend({ permissions: z.array(Permission) })),
});
export type WhoAmI = z.infer<typeof WhoAmI>;
