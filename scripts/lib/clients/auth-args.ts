// How a client authenticates, from the command line: `--auth`, `--jwks-file`, `--public-key-file` and `--allow-shared-key`.
import { REGISTERED_AUTH_METHODS } from '../../../functions/token/core/auth-methods';
import type { ClientJwk, RegisteredAuthMethod } from '../../../functions/token/core/types';
import { UsageError } from '../../../tools/cli/usage-error';
import type { CreateClientInput } from './model';
import { checkKeySet, readKeyFile } from './public-keys';

/**
 * Reads `--jwks-file F` and every `--public-key-file F` (nothing is written if one is bad).
 * @returns the keys, checked as a set, and the flags they came from; undefined when none was given
 */
export function parseKeyFiles(
  values: Record<string, unknown>,
  cwd: string,
): { keys: ClientJwk[]; source: string } | undefined {
  const jwksFile = values['jwks-file'] as string | undefined;
  const pemFiles = (values['public-key-file'] as string[] | undefined) ?? [];
  if (jwksFile === undefined && pemFiles.length === 0) return undefined;
  const keys = [
    ...(jwksFile === undefined ? [] : readKeyFile(jwksFile, '--jwks-file', cwd)),
    ...pemFiles.flatMap((file) => readKeyFile(file, '--public-key-file', cwd)),
  ];
  const source = jwksFile !== undefined ? '--jwks-file' : '--public-key-file';
  return { keys: checkKeySet(keys, source), source };
}

/** `--auth METHOD`: one of REGISTERED_AUTH_METHODS. */
export function parseAuthMethod(auth: string): RegisteredAuthMethod {
  if (!REGISTERED_AUTH_METHODS.includes(auth as RegisteredAuthMethod)) {
    throw new UsageError(
      `--auth must be one of ${REGISTERED_AUTH_METHODS.join(', ')}, got ${JSON.stringify(auth)}`,
    );
  }
  return auth as RegisteredAuthMethod;
}

/**
 * Validates `--auth` and the key files of `create` together. Without `--auth` a client is a
 * secret client that sends its secret either way (`client_secret`: HTTP Basic, form or JSON
 * body), or `private_key_jwt` when key files are given. `--auth client_secret_basic` or
 * `client_secret_post` pins one transport.
 */
export function parseAuth(
  values: Record<string, unknown>,
  cwd: string,
): Pick<CreateClientInput, 'authMethod' | 'keys' | 'allowSharedKey'> {
  const auth = values.auth === undefined ? undefined : parseAuthMethod(values.auth as string);
  const files = parseKeyFiles(values, cwd);
  const allowShared = values['allow-shared-key'] === true;
  if (allowShared && files === undefined) {
    throw new UsageError('--allow-shared-key is for keys: give --jwks-file or --public-key-file');
  }
  if (auth === 'private_key_jwt' && files === undefined) {
    throw new UsageError('--auth private_key_jwt needs --jwks-file FILE or --public-key-file FILE');
  }
  if (files !== undefined && auth !== undefined && auth !== 'private_key_jwt') {
    throw new UsageError(
      `--jwks-file and --public-key-file are for --auth private_key_jwt, not ${auth}`,
    );
  }
  // Key files alone mean private_key_jwt.
  if (files !== undefined) {
    return {
      authMethod: 'private_key_jwt',
      keys: files.keys,
      ...(allowShared ? { allowSharedKey: true } : {}),
    };
  }
  return { authMethod: auth ?? 'client_secret' };
}
