import type { User } from '../api-client/contract/users';

/** The signed-in person (the session secret itself stays in api.ts); null when signed out. */
let me: User | null = null;

export function currentUser(): User | null {
  return me;
}
export function setCurrentUser(user: User | null): void {
  me = user;
}
