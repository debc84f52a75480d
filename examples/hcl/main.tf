# The examples/cdktf-gitops stack in plain HCL, for Terraform and OpenTofu users.
# Install the provider once: eval "$(npx warden-terraform install | tail -n 1 | sed 's/^/export /')"
# then: WARDEN_ENDPOINT=... WARDEN_TOKEN=... terraform init && terraform apply

terraform {
  required_providers {
    warden = {
      source = "warden/warden"
    }
  }
}

# endpoint and token from WARDEN_ENDPOINT / WARDEN_TOKEN
provider "warden" {}

variable "teams" {
  description = "Team -> project id, role in that project and token lifetime"
  type = map(object({
    project_id = string
    role       = string
    token_days = number
  }))
}

resource "warden_service_account" "deployer" {
  for_each    = var.teams
  name        = "${each.key}-deployer"
  description = "Deploys ${each.key} from CI"
  teams       = [each.key]
}

resource "warden_role_binding" "project" {
  for_each           = var.teams
  service_account_id = warden_service_account.deployer[each.key].id
  role               = each.value.role
  project_id         = each.value.project_id
}

resource "warden_role_binding" "org_member" {
  for_each           = var.teams
  service_account_id = warden_service_account.deployer[each.key].id
  role               = "member"
}

resource "warden_token" "ci" {
  for_each           = var.teams
  service_account_id = warden_service_account.deployer[each.key].id
  name               = "ci"
  scopes             = ["api"]
  expires_in_days    = each.value.token_days
  rotate_before_days = 7
  overlap_seconds    = 3600
  rotation_triggers  = { generation = "1" }
}

output "deployer_tokens" {
  description = "Team -> CI token secret"
  value       = { for team, t in warden_token.ci : team => t.token }
  sensitive   = true
}

output "deployer_token_hints" {
  value = { for team, t in warden_token.ci : team => t.token_hint }
}
