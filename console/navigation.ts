/** A status message that belongs to the next page (say, "deleted" after leaving the deleted account). */
let nextStatus: string | null = null;

/** The router, registered at start-up: views re-render through it without importing it (it imports them). */
let router: () => Promise<void> = async () => undefined;

export function setRouter(route: () => Promise<void>): void {
  router = route;
}

/** Goes to `hash`; `message` is announced there, since every navigation clears the status line. */
export function navigate(hash: string, message?: string): void {
  nextStatus = message ?? null;
  location.hash = hash;
}

/** Renders the current page again, as a navigation to it would. */
export function rerender(): Promise<void> {
  return router();
}

/** The message the last navigation carried, handed out once. */
export function takeNextStatus(): string | null {
  const message = nextStatus;
  nextStatus = null;
  return message;
}
