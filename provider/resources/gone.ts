import { NotFoundError } from '../../api-client/errors';
import type { ReadResult, State } from './schema';

/** Deleting what is already gone is success: the declared end state holds. */
export async function deleteIfPresent(remove: () => Promise<unknown>): Promise<void> {
  try {
    await remove();
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
}

/** An object deleted outside the tool reads as gone, so the plan creates it again. */
export async function readOrGone(read: () => Promise<State>): Promise<ReadResult> {
  try {
    return { state: await read() };
  } catch (err) {
    if (err instanceof NotFoundError) return { gone: true };
    throw err;
  }
}
