# Renamed resource addresses, so an upgrade moves existing state instead of replacing resources.

################################################################################
# Issue 21: every route to the token function is throttled, one method setting per route
################################################################################

moved {
  from = aws_api_gateway_method_settings.token[0]
  to   = aws_api_gateway_method_settings.this["token"]
}

################################################################################
# Issue 27: a secondary Region with a global table has no clients table of its own
################################################################################

moved {
  from = module.client_table
  to   = module.client_table[0]
}
