/**
 * The rotation overlap: after a regenerate with `overlap_seconds`, the previous secret keeps
 * working until `overlap_ends_at`. Its limit, once. No imports, so the browser console can use it.
 */
export const MAX_OVERLAP_SECONDS = 7 * 24 * 3600;
