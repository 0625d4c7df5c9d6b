// Re-exports the adapters: client stores, signers, public key sources and the password hasher.
export * from './errors';
export * from './client-store-dynamodb';
export * from './client-store-file';
export * from './signer-kms';
export * from './signer-local';
export * from './public-keys-kms';
export * from './password-hasher-argon2';
