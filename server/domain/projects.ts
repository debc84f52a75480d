import { ERRORS, type Page, type Project, type ProjectCreate, type ProjectPatch } from '../../api-client/contract';
import { errors, refuse } from '../errors';
import { UniqueViolation } from '../store';
import { audit } from './audit';
import { type Ctx, etagOf, requireIfMatch } from './context';
import { newId } from './ids';
import { type PageRequest, pageOf, visibleIn } from './paging';
import { requirePermission } from './rbac';

interface ProjectRow {
  id: string;
  name: string;
  description: string;
  created_at: string;
  updated_at: string;
  version: number;
}

const projectOf = (r: ProjectRow): Project => ({
  id: r.id,
  name: r.name,
  description: r.description,
  created_at: r.created_at,
  updated_at: r.updated_at,
  etag: etagOf(r.version),
});

const nameTaken = (name: string) => errors.nameTaken(`project named "${name}"`);

export async function findProject(ctx: Pick<Ctx, 'db'>, id: string): Promise<ProjectRow> {
  const row = await ctx.db.get<ProjectRow>('SELECT * FROM projects WHERE id = ?', [id]);
  if (!row) throw errors.notFound('Project', id);
  return row;
}

/** Resolves a project id given in a request body: an unknown one is a field error, not a 404. */
export async function requireProjectField(ctx: Ctx, projectId: string | null, path = 'project_id'): Promise<void> {
  if (projectId === null) return;
  if (!(await ctx.db.get('SELECT id FROM projects WHERE id = ?', [projectId]))) throw errors.field(path, `project "${projectId}" does not exist`);
}

export async function listProjects(ctx: Ctx, req: PageRequest): Promise<Page<Project>> {
  const visible = visibleIn(ctx.principal, 'projects:read', 'id');
  return pageOf(ctx.db, 'projects', visible, req, projectOf);
}

export async function getProject(ctx: Ctx, id: string): Promise<Project> {
  requirePermission(ctx.principal, 'projects:read', id);
  return projectOf(await findProject(ctx, id));
}

export async function createProject(ctx: Ctx, input: Required<ProjectCreate>): Promise<Project> {
  requirePermission(ctx.principal, 'projects:write', null);
  const now = ctx.clock.now().toISOString();
  const id = newId('prj');
  try {
    await ctx.db.run('INSERT INTO projects (id, name, description, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, 1)', [id, input.name, input.description, now, now]);
  } catch (err) {
    if (err instanceof UniqueViolation) throw nameTaken(input.name);
    throw err;
  }
  await audit(ctx, 'project.create', 'project', id);
  return projectOf(await findProject(ctx, id));
}

export async function updateProject(ctx: Ctx, id: string, patch: ProjectPatch, ifMatch: string | undefined): Promise<Project> {
  requirePermission(ctx.principal, 'projects:write', id);
  const row = await findProject(ctx, id);
  requireIfMatch(ifMatch, etagOf(row.version));
  try {
    await ctx.db.run('UPDATE projects SET name = ?, description = ?, updated_at = ?, version = version + 1 WHERE id = ?', [
      patch.name ?? row.name,
      patch.description ?? row.description,
      ctx.clock.now().toISOString(),
      id,
    ]);
  } catch (err) {
    if (err instanceof UniqueViolation) throw nameTaken(patch.name ?? row.name);
    throw err;
  }
  await audit(ctx, 'project.update', 'project', id);
  return projectOf(await findProject(ctx, id));
}

export async function deleteProject(ctx: Ctx, id: string): Promise<void> {
  requirePermission(ctx.principal, 'projects:write', null);
  await findProject(ctx, id);
  const held = await ctx.db.get<{ n: number }>('SELECT CAST(COUNT(*) AS INTEGER) AS n FROM service_accounts WHERE project_id = ?', [id]);
  if (held && Number(held.n) > 0) {
    throw refuse(ERRORS.PROJECT_IN_USE, id, held.n);
  }
  await ctx.db.run('DELETE FROM role_bindings WHERE project_id = ?', [id]);
  await ctx.db.run('DELETE FROM projects WHERE id = ?', [id]);
  await audit(ctx, 'project.delete', 'project', id);
}
