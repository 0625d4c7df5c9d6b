// Unit tests of which request methods a client record accepts: a secret client never an assertion, a key client never a secret.
import {
  acceptedAuthMethods,
  acceptsAuthMethod,
  isSecretClient,
  REGISTERED_AUTH_METHODS,
} from '../../../../functions/token/core/auth-methods';
import type {
  RegisteredAuthMethod,
  TokenEndpointAuthMethod,
} from '../../../../functions/token/core/types';

const PRESENTED: readonly TokenEndpointAuthMethod[] = [
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
];

describe('acceptsAuthMethod', () => {
  it.each([
    ['client_secret', ['client_secret_basic', 'client_secret_post']],
    [undefined, ['client_secret_basic', 'client_secret_post']],
    ['client_secret_basic', ['client_secret_basic']],
    ['client_secret_post', ['client_secret_post']],
    ['private_key_jwt', ['private_key_jwt']],
  ] as const)('a client registered with %s accepts exactly %j', (registered, expected) => {
    // Act
    const accepted = PRESENTED.filter((method) => acceptsAuthMethod(registered, method));

    // Assert
    expect(accepted).toEqual(expected);
    expect(acceptedAuthMethods(registered)).toEqual(expected);
  });

  it('never lets a secret registration accept an assertion, nor a key registration a secret', () => {
    // Act
    const crossings = [...REGISTERED_AUTH_METHODS, undefined].flatMap((registered) =>
      PRESENTED.filter(
        (method) =>
          acceptsAuthMethod(registered, method) &&
          isSecretClient(registered) !== (method !== 'private_key_jwt'),
      ).map((method) => `${registered} -> ${method}`),
    );

    // Assert
    expect(crossings).toEqual([]);
  });

  it('names a secret client by its registration', () => {
    // Act
    const secret = (
      ['client_secret', 'client_secret_basic', 'client_secret_post', undefined] as (
        RegisteredAuthMethod | undefined
      )[]
    ).map(isSecretClient);

    // Assert
    expect(secret).toEqual([true, true, true, true]);
    expect(isSecretClient('private_key_jwt')).toBe(false);
  });
});
