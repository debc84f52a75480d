// What examples/cdktf-gitops and examples/cdktn-gitops declare (the same stack), and the checks
// every suite that deploys one of them makes.
import { TEAMS as IDENTITIES } from '../../examples/cdktf-gitops/stack';
import type { TestServer } from '../support/server';

/** The example's teams: one deployer account each, with one "ci" token. */
export const TEAMS = IDENTITIES.map((identity) => identity.team);

/** `TF_VAR_*` for the example's project variables: a project per team, created on `server`. */
export async function teamProjectVariables(server: TestServer): Promise<Record<string, string>> {
  const vars: Record<string, string> = {};
  for (const { team, projectVariable } of IDENTITIES) vars[`TF_VAR_${projectVariable}`] = (await server.client.createProject({ name: team })).id;
  return vars;
}

/** A deploy applied the whole stack: each team's account with its "ci" token, hints shown, no secret printed. */
export async function expectDeployed(server: TestServer, run: { code: number | null; output: string }): Promise<void> {
  expect({ code: run.code, tail: run.output.slice(-2000) }).toEqual({ code: 0, tail: expect.stringContaining('Apply complete! Resources: 12 added') });
  const accounts = (await server.client.listServiceAccounts({})).items;
  expect(accounts.map((a) => a.name).sort()).toEqual(TEAMS.map((t) => `${t}-deployer`).sort());
  for (const account of accounts) {
    const tokens = (await server.client.listServiceAccountTokens(account.id, {})).items;
    expect(tokens.map((t) => t.name)).toEqual(['ci']);
    expect(run.output).toContain(tokens[0]!.token_hint);
  }
  expect(run.output).not.toMatch(/wdn_[A-Za-z0-9]{20,}/);
}

/** A destroy removed everything the deploy made. */
export async function expectDestroyed(server: TestServer, run: { code: number | null; output: string }): Promise<void> {
  expect({ code: run.code, tail: run.output.slice(-2000) }).toEqual({ code: 0, tail: expect.stringContaining('Destroy complete! Resources: 12 destroyed') });
  expect((await server.client.listServiceAccounts({})).items).toEqual([]);
  expect((await server.client.listRoleBindings({})).items).toEqual([]);
}
