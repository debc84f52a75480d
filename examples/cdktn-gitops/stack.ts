// Several teams' machine identities with project-scoped bindings and rotating CI tokens.
// Outside this repository, import from 'warden-iac/cdktn'.
import { LocalBackend, TerraformStack, TerraformVariable } from 'cdktn';
import type { Construct } from 'constructs';
import { MachineIdentity, WardenProvider } from '../../cdktn';

export interface TeamIdentity {
  team: string;
  /** Terraform variable holding the team's project id. */
  projectVariable: string;
  role: string;
  tokenDays: number;
}

export const TEAMS: TeamIdentity[] = [
  { team: 'payments', projectVariable: 'payments_project_id', role: 'editor', tokenDays: 30 },
  { team: 'search', projectVariable: 'search_project_id', role: 'editor', tokenDays: 60 },
  { team: 'platform', projectVariable: 'platform_project_id', role: 'manager', tokenDays: 90 },
];

export class GitopsStack extends TerraformStack {
  readonly identities: MachineIdentity[];

  constructor(scope: Construct, id: string, options: { statePath?: string } = {}) {
    super(scope, id);
    // In a real GitOps repository, configure a remote backend (S3, GCS, Terraform Cloud...) here.
    if (options.statePath) new LocalBackend(this, { path: options.statePath });
    // Endpoint and token come from WARDEN_ENDPOINT / WARDEN_TOKEN, never from the code.
    new WardenProvider(this, 'warden', {});
    this.identities = TEAMS.map(({ team, projectVariable, role, tokenDays }) => {
      const project = new TerraformVariable(this, projectVariable, { type: 'string', description: `Warden project id of the ${team} team` });
      return new MachineIdentity(this, `${team}_deployer`, {
        name: `${team}-deployer`,
        description: `Deploys ${team} from CI`,
        teams: [team],
        roles: [{ role, projectId: project.stringValue }, { role: 'member' }],
        token: { expiresInDays: tokenDays, rotateBeforeDays: 7, overlapSeconds: 3600, rotationTriggers: { generation: '1' } },
      });
    });
  }
}
