import { z } from 'zod';
import { Description, Id, ResourceName, Timestamp } from './common';

export const ProjectCreate = z.strictObject({
  name: ResourceName,
  description: Description.default(''),
});
export const ProjectPatch = z.strictObject({
  name: ResourceName.optional(),
  description: Description.optional(),
});
export const Project = z.object({
  id: Id,
  name: z.string(),
  description: z.string(),
  created_at: Timestamp,
  updated_at: Timestamp,
  etag: z.string(),
});
export type ProjectCreate = z.input<typeof ProjectCreate>;
export type ProjectPatch = z.input<typeof ProjectPatch>;
export type Project = z.infer<typeof Project>;
