// Outside this repository, import from 'warden-iac/pulumi'.
import * as pulumi from '@pulumi/pulumi';
import { RoleBinding, ServiceAccount, Token } from '../../provider/pulumi';

const config = new pulumi.Config();
const projects = new pulumi.Config('projects');

/** One machine identity per team, bound to its own project only. */
const teams = ['payments', 'search'].map((team) => {
  const projectId = projects.require(team);
  const account = new ServiceAccount(`${team}-deployer`, {
    name: `${team}-deployer`,
    displayName: `${team} deployer`,
    description: `Deploys ${team} from CI`,
    projectId,
    teams: [team],
  });
  new RoleBinding(`${team}-deployer-editor`, { serviceAccountId: account.id, role: 'editor', projectId });
  return { team, account };
});

// The CI token rotates in place when the keeper changes (what @pulumiverse/time's rotating
// resources would feed; a plain config value here) and shortly before it expires; the previous
// secret keeps working for an hour so that running pipelines finish.
const ci = new Token('ci-token', {
  serviceAccountId: teams[0]!.account.id,
  name: 'ci',
  expiresInDays: 90,
  rotateBeforeDays: 14,
  rotationTriggers: { quarter: config.get('quarter') ?? '2026Q1' },
  overlapSeconds: 3600,
});

export const accounts = teams.map(({ team, account }) => ({ team, userName: account.userName }));
export const ciTokenHint = ci.tokenHint;
/** Secret: `pulumi stack output ciToken --show-secrets` prints it; nothing else does. */
export const ciToken = pulumi.secret(ci.token);
