import { isWardenError } from '../../api-client/errors';
import type { ReadResult, State } from './schema';

/** The server's answer that the object itself does not exist (not a missing route). */
export const isNotFound = (err: unknown): boolean => isWardenError(err) && err.code === 'WARDEN_ERR_NOT_FOUND';

/** Deleting what is already gone is success: the declared end state holds. */
export async function deleteIfPresent(remove: () => Promise<unknown>): Promise<void> {
  try {
    await remove();
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/** An object deleted outside the tool reads as gone, so the plan creates it again. */
export async function readOrGone(read: () => Promise<State>): Promise<ReadResult> {
  try {
    return { state: await read() };
  } catch (err) {
    if (isNotFound(err)) return { gone: true };
    throw err;
  }
}
