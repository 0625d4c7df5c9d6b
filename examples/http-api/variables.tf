# Inputs of the http-api example.

variable "name" {
  description = "Prefix of every resource name."
  type        = string
  default     = "oauth-http"
}

variable "backend_url" {
  description = "HTTP backend the protected routes proxy to (HTTP_PROXY integration); the default is a placeholder, point it at your service."
  type        = string
  default     = "https://example.com"
}

variable "artifacts_dir" {
  description = "Directory holding token.zip and authorizer.zip; null means the repository's dist/ (run `npm run build` first)."
  type        = string
  default     = null
}

variable "lambda_architecture" {
  description = "Instruction set of the functions (must match `npm run build -- --arch`)."
  type        = string
  default     = "arm64"
}

variable "table_deletion_protection" {
  description = "Protect the clients table against deletion; off here so the example can be destroyed, keep it on in production."
  type        = bool
  default     = false
}
