# Clients declared in Terraform (docs/clients.md, "Clients as code"): one modules/client per entry of var.clients, each with its declaration item and, with a usage plan, its API key in that plan.

locals {
  # A client without a plan of its own gets the deployment's default plan, as `clients create`
  # without --plan does; without usage plans, none.
  client_usage_plans = {
    for key, client in var.clients : key => (
      length(var.usage_plans) == 0 ? null : try(coalesce(client.usage_plan, var.default_usage_plan), null)
    )
  }
}

module "clients" {
  source   = "./modules/client"
  for_each = var.clients

  table_name = local.table_name
  key        = each.key
  client_id  = each.value.client_id
  # The CLI names this when it refuses to edit the client.
  terraform_address = "clients[\"${each.key}\"]"

  name              = each.value.name
  scopes            = each.value.scopes
  audiences         = each.value.audiences
  token_ttl_seconds = each.value.token_ttl_seconds
  auth_method       = each.value.auth_method
  public_keys       = each.value.public_keys
  dpop_bound        = each.value.dpop_bound
  enabled           = each.value.enabled

  usage_plan = local.client_usage_plans[each.key] == null ? null : {
    name = local.client_usage_plans[each.key]
    id   = aws_api_gateway_usage_plan.this[local.client_usage_plans[each.key]].id
  }
}
