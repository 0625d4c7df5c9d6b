// Unit tests of clientFromItems: the client the token function and the CLI see from a runtime record and a Terraform declaration (docs/clients.md, "Clients as code").
import { createPublicKey } from 'node:crypto';
import { MalformedClientRecordError } from '../../../../functions/token/adapters/client-record';
import {
  clientFromItems,
  declaredClientIdOf,
} from '../../../../functions/token/adapters/declared-client';
import { jwkThumbprint } from '../../../../functions/shared/jwk';
import { clientKeyPair } from '../../../support/client-assertions';

const RECORD = {
  client_id: 'c1',
  name: 'CLI name',
  status: 'active',
  secrets: [
    { hash: '$argon2id$v=19$m=19456,t=2,p=1$YQ$Yg', created_at: '2025-01-01T00:00:00.000Z' },
  ],
  scopes: ['old:scope'],
  audiences: [],
  token_endpoint_auth_method: 'client_secret',
  usage_plan: 'old',
  usage_key: 'o'.repeat(40),
  created_at: '2025-01-01T00:00:00.000Z',
  updated_at: '2025-01-02T00:00:00.000Z',
  version: 4,
};

const DECLARATION = {
  client_id: 'declared#c1',
  managed_by: 'terraform',
  terraform_address: 'clients["orders"]',
  name: 'Orders',
  status: 'active',
  scopes: ['orders:read'],
  audiences: ['https://api.example.com'],
  token_endpoint_auth_method: 'client_secret_basic',
  token_ttl_seconds: 600,
  usage_plan: 'standard',
  usage_key: 'k'.repeat(40),
  usage_key_id: 'key1',
};

describe('clientFromItems', () => {
  describe('without a declaration (a client the CLI owns)', () => {
    it('reads a whole record as before', () => {
      // Act / Assert
      expect(clientFromItems('c1', RECORD, undefined)).toEqual(RECORD);
    });

    it.each([
      ['no item', undefined],
      [
        'the last use the token function recorded for a declared client',
        { client_id: 'c1', last_used_at: '2025-01-01T00:00:00.000Z' },
      ],
      [
        'a runtime record the CLI wrote beside a declaration since removed',
        { client_id: 'c1', managed_by: 'terraform', secrets: RECORD.secrets, version: 2 },
      ],
    ])('finds no client in %s', (_label, runtime) => {
      // Act / Assert
      expect(clientFromItems('c1', runtime, undefined)).toBeUndefined();
    });
  });

  describe('with a declaration', () => {
    it('is the declaration alone before any runtime record exists: no secret, version 0', () => {
      // Act
      const client = clientFromItems('c1', undefined, DECLARATION);

      // Assert
      expect(client).toEqual({
        client_id: 'c1',
        name: 'Orders',
        status: 'active',
        secrets: [],
        scopes: ['orders:read'],
        audiences: ['https://api.example.com'],
        token_endpoint_auth_method: 'client_secret_basic',
        token_ttl_seconds: 600,
        usage_plan: 'standard',
        usage_key: 'k'.repeat(40),
        usage_key_id: 'key1',
        created_at: '',
        updated_at: '',
        version: 0,
        managed_by: 'terraform',
        terraform_address: 'clients["orders"]',
      });
    });

    it('takes secrets, tokens_not_before, last use, version and times from the runtime record', () => {
      // Arrange
      const runtime = {
        client_id: 'c1',
        managed_by: 'terraform',
        secrets: RECORD.secrets,
        tokens_not_before: 1_700_000_000,
        last_used_at: '2025-02-01T00:00:00.000Z',
        version: 3,
        created_at: '2025-01-01T00:00:00.000Z',
        updated_at: '2025-01-03T00:00:00.000Z',
      };

      // Act
      const client = clientFromItems('c1', runtime, DECLARATION);

      // Assert
      expect(client).toMatchObject({
        name: 'Orders',
        secrets: RECORD.secrets,
        tokens_not_before: 1_700_000_000,
        last_used_at: '2025-02-01T00:00:00.000Z',
        version: 3,
        created_at: '2025-01-01T00:00:00.000Z',
        updated_at: '2025-01-03T00:00:00.000Z',
      });
    });

    it('wins over the whole record of a client being adopted, keeping only its runtime fields', () => {
      // Act
      const client = clientFromItems('c1', { ...RECORD, status: 'disabled' }, DECLARATION);

      // Assert
      expect(client).toMatchObject({
        name: 'Orders',
        status: 'active',
        scopes: ['orders:read'],
        token_endpoint_auth_method: 'client_secret_basic',
        usage_plan: 'standard',
        usage_key: 'k'.repeat(40),
        secrets: RECORD.secrets,
        version: 4,
      });
    });

    it('never reads runtime fields from the declaration (Terraform cannot set a secret)', () => {
      // Act
      const client = clientFromItems('c1', undefined, {
        ...DECLARATION,
        secrets: RECORD.secrets,
        tokens_not_before: 1,
        last_used_at: '2025-01-01T00:00:00.000Z',
        version: 9,
        jwks: { keys: [] },
      });

      // Assert
      expect(client).toMatchObject({ secrets: [], version: 0 });
      expect(client).not.toHaveProperty('tokens_not_before');
      expect(client).not.toHaveProperty('last_used_at');
      expect(client).not.toHaveProperty('jwks');
    });

    it('reads public keys given as PEM, JWK and JWKS texts as the CLI reads key files', () => {
      // Arrange
      const rsa = clientKeyPair('RS256');
      const ec = clientKeyPair('ES256', 'ec-1');
      const ed = clientKeyPair('EdDSA');
      const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string;
      const { kid: _k, alg: _a, use: _u, ...bareEd } = ed.jwk;

      // Act
      const client = clientFromItems('c1', undefined, {
        ...DECLARATION,
        token_endpoint_auth_method: 'private_key_jwt',
        public_keys: [pem, JSON.stringify({ keys: [ec.jwk] }), JSON.stringify(bareEd)],
      });

      // Assert: kid defaults to the RFC 7638 thumbprint, alg to the type's default
      expect(client?.jwks?.keys.map((k) => [k.kid, k.alg])).toEqual([
        [jwkThumbprint(rsa.jwk), 'RS256'],
        ['ec-1', 'ES256'],
        [jwkThumbprint(ed.jwk), 'EdDSA'],
      ]);
      expect(client).not.toHaveProperty('key_problems');
    });

    it('leaves out a key it cannot use and says why, without key material', () => {
      // Arrange
      const ec = clientKeyPair('ES256', 'ec-1');
      const privatePem = clientKeyPair('ES256').privateKey.export({
        type: 'pkcs8',
        format: 'pem',
      }) as string;

      // Act
      const client = clientFromItems('c1', undefined, {
        ...DECLARATION,
        token_endpoint_auth_method: 'private_key_jwt',
        public_keys: [privatePem, JSON.stringify(ec.jwk), 'junk'],
      });

      // Assert
      expect(client?.jwks?.keys.map((k) => k.kid)).toEqual(['ec-1']);
      expect(client?.key_problems).toEqual([
        'public_keys[0] is a private key; give the public key (openssl pkey -in key.pem -pubout)',
        'public_keys[2] is neither a PEM public key nor a JWK or JWKS (JSON)',
      ]);
      expect(JSON.stringify(client?.key_problems)).not.toContain('PRIVATE');
    });

    it.each([
      [
        'a kid declared twice',
        () => {
          const ec = clientKeyPair('ES256', 'same');
          const ed = clientKeyPair('EdDSA', 'same');
          return [JSON.stringify(ec.jwk), JSON.stringify(ed.jwk)];
        },
        'public_keys: key 2 duplicates kid same',
      ],
      [
        'six keys',
        () =>
          Array.from({ length: 6 }, (_, i) => JSON.stringify(clientKeyPair('ES256', `k${i}`).jwk)),
        'public_keys: a client holds at most 5 keys, got 6',
      ],
    ])('leaves out every key of a set with %s', (_label, texts, problem) => {
      // Act
      const client = clientFromItems('c1', undefined, {
        ...DECLARATION,
        token_endpoint_auth_method: 'private_key_jwt',
        public_keys: texts(),
      });

      // Assert
      expect(client?.jwks).toEqual({ keys: [] });
      expect(client?.key_problems).toEqual([problem]);
    });

    it('reads the same key text again from its cache, however many texts it has seen', () => {
      // Arrange: more distinct texts than the cache holds, then one seen before
      const pem = createPublicKey(
        clientKeyPair('ES256').publicKey.export({ type: 'spki', format: 'pem' }),
      ).export({ type: 'spki', format: 'pem' }) as string;
      const declaration = {
        ...DECLARATION,
        token_endpoint_auth_method: 'private_key_jwt',
        public_keys: [pem],
      };
      const first = clientFromItems('c1', undefined, declaration);
      for (let i = 0; i < 300; i++) {
        clientFromItems('c1', undefined, { ...declaration, public_keys: [`junk ${i}`] });
      }

      // Act
      const again = clientFromItems('c1', undefined, declaration);

      // Assert
      expect(again?.jwks).toEqual(first?.jwks);
    });

    it.each<[string, Record<string, unknown>]>([
      ['no managed_by', { ...DECLARATION, managed_by: undefined }],
      ['another manager', { ...DECLARATION, managed_by: 'cli' }],
      ['no method', { ...DECLARATION, token_endpoint_auth_method: undefined }],
      ['an unknown status', { ...DECLARATION, status: 'paused' }],
      ['a numeric address', { ...DECLARATION, terraform_address: 7 }],
      ['public_keys that are not texts', { ...DECLARATION, public_keys: [{ kty: 'EC' }] }],
      ['public_keys that are not a list', { ...DECLARATION, public_keys: 'pem' }],
    ])('refuses a declaration with %s as malformed', (_label, declaration) => {
      // Act / Assert
      expect(() => clientFromItems('c1', undefined, declaration)).toThrow(
        MalformedClientRecordError,
      );
    });

    it('refuses a runtime record with a malformed runtime field as malformed', () => {
      // Act / Assert
      expect(() => clientFromItems('c1', { last_used_at: 'yesterday' }, DECLARATION)).toThrow(
        MalformedClientRecordError,
      );
    });
  });
});

describe('declaredClientIdOf', () => {
  it.each([
    ['declared#c1', 'c1'],
    ['c1', undefined],
    ['revoked#x', undefined],
  ])('%s -> %s', (key, id) => {
    // Act / Assert
    expect(declaredClientIdOf(key)).toBe(id);
  });
});
