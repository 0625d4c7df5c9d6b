# Inputs of the clients-as-code example.

variable "name" {
  description = "Prefix of every resource name."
  type        = string
  default     = "clients-demo"
}

variable "orders_public_key_file" {
  description = "Path of the orders client's public key: a PEM, JWK or JWKS its team made (e.g. openssl genpkey -algorithm ed25519 -out orders.key && openssl pkey -in orders.key -pubout -out orders.pub.pem). Its private key stays with the team."
  type        = string
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
