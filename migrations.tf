# Renamed resource addresses, so an upgrade moves existing state instead of replacing resources.

################################################################################
# Issue 21: every route to the token function is throttled, one method setting per route
################################################################################

moved {
  from = aws_api_gateway_method_settings.token[0]
  to   = aws_api_gateway_method_settings.this["token"]
}
