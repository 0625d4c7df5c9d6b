// Unit tests of when a private_key_jwt client's keys were registered (keys_added_at): set by create and add-key, dropped by remove-key, kept through a store.
import { addKeys } from '../../../../scripts/lib/clients/commands/add-key';
import { createClient } from '../../../../scripts/lib/clients/commands/create';
import { removeKey } from '../../../../scripts/lib/clients/commands/remove-key';
import {
  MalformedClientRecordError,
  parseClientRecord,
} from '../../../../functions/token/adapters/client-record';
import { fromAttributeMap } from '../../../../functions/token/adapters/dynamodb-item';
import { toItem } from '../../../../tools/dev-adapters/client-item-dynamodb';
import { clientKeyPair } from '../../../support/client-assertions';
import { makeDeps } from '../../../support/clients-cli';

const k1 = clientKeyPair('ES256', 'k1').jwk;
const k2 = clientKeyPair('ES256', 'k2').jwk;

describe('keys_added_at', () => {
  it('is set for each key by create, extended by add-key and pruned by remove-key', async () => {
    // Arrange
    const { deps, clock } = makeDeps();

    // Act
    const { record } = await createClient(deps, {
      name: 'Svc',
      scopes: ['orders:read'],
      audiences: [],
      authMethod: 'private_key_jwt',
      keys: [k1],
    });
    clock.advance(86_400);
    const added = await addKeys(deps, record.client_id, [k2], '--jwks-file');
    clock.advance(60);
    const removed = await removeKey(deps, record.client_id, 'k1');

    // Assert
    expect(record.keys_added_at).toEqual({ k1: '2030-01-01T00:00:00.000Z' });
    expect(added.keys_added_at).toEqual({
      k1: '2030-01-01T00:00:00.000Z',
      k2: '2030-01-02T00:00:00.000Z',
    });
    expect(removed.keys_added_at).toEqual({ k2: '2030-01-02T00:00:00.000Z' });
  });

  it('is not written for a secret client, nor by remove-key on a record that never had it', async () => {
    // Arrange
    const { deps, store } = makeDeps();
    const { record } = await createClient(deps, {
      name: 'Svc',
      scopes: ['orders:read'],
      audiences: [],
      authMethod: 'client_secret',
    });
    const { record: old } = await createClient(deps, {
      name: 'Old',
      scopes: ['orders:read'],
      audiences: [],
      authMethod: 'private_key_jwt',
      keys: [k1, k2],
    });
    const { keys_added_at: _untracked, ...untracked } = store.records.get(old.client_id)!;
    store.records.set(old.client_id, untracked);

    // Act
    const removed = await removeKey(deps, old.client_id, 'k1');

    // Assert
    expect(record).not.toHaveProperty('keys_added_at');
    expect(removed).not.toHaveProperty('keys_added_at');
  });

  it('goes through a DynamoDB item and back, and a malformed map is refused by name', () => {
    // Arrange
    const { deps } = makeDeps();
    const base = {
      client_id: 'c1',
      name: 'Svc',
      status: 'active' as const,
      secrets: [],
      token_endpoint_auth_method: 'private_key_jwt' as const,
      jwks: { keys: [k1] },
      keys_added_at: { k1: new Date(deps.clock()).toISOString() },
      scopes: ['a'],
      audiences: [],
      created_at: '2030-01-01T00:00:00.000Z',
      updated_at: '2030-01-01T00:00:00.000Z',
      version: 1,
    };

    // Act
    const item = toItem(base);

    // Assert
    expect(item.keys_added_at).toEqual({ M: { k1: { S: '2030-01-01T00:00:00.000Z' } } });
    expect(parseClientRecord(fromAttributeMap(item))).toEqual(base);
    for (const bad of [['k1'], { k1: 5 }, { k1: 'soon' }, 'k1']) {
      expect(() => parseClientRecord({ ...base, keys_added_at: bad })).toThrow(
        new MalformedClientRecordError('keys_added_at'),
      );
    }
    expect(parseClientRecord({ ...base, keys_added_at: null })).not.toHaveProperty('keys_added_at');
  });
});
