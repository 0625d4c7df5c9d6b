// The replay watcher's decision on one stream record: only a MODIFY of a jti#/dpopjti# item whose old image, still live at the second use, names another Region than the new image is a double use.
import fc from 'fast-check';
import {
  AUTHORIZER_JTI_PREFIX,
  TOKEN_JTI_PREFIX,
  inspectRecord,
} from '../../../../functions/replay-watch/core/double-use';

const A = 'eu-west-1';
const B = 'us-east-1';

interface ItemFields {
  region?: string;
  expiresAt?: number;
  usedAt?: number;
  kind?: string;
}

/** An item image as a stream record holds it (attribute-value form). */
const image = (key: string, f: ItemFields): Record<string, unknown> => ({
  client_id: { S: key },
  ...(f.expiresAt === undefined ? {} : { expires_at: { N: String(f.expiresAt) } }),
  ...(f.region === undefined ? {} : { region: { S: f.region } }),
  ...(f.usedAt === undefined ? {} : { used_at: { N: String(f.usedAt) } }),
  ...(f.kind === undefined ? {} : { kind: { S: f.kind } }),
});

/** A stream record as Lambda delivers it from a NEW_AND_OLD_IMAGES stream. */
const record = (
  eventName: string,
  key: string,
  oldFields: ItemFields | undefined,
  newFields: ItemFields | undefined,
): Record<string, unknown> => ({
  eventID: 'e1',
  eventName,
  eventSource: 'aws:dynamodb',
  awsRegion: A,
  dynamodb: {
    Keys: { client_id: { S: key } },
    ...(oldFields === undefined ? {} : { OldImage: image(key, oldFields) }),
    ...(newFields === undefined ? {} : { NewImage: image(key, newFields) }),
    StreamViewType: 'NEW_AND_OLD_IMAGES',
  },
});

const ASSERTION_KEY = `${TOKEN_JTI_PREFIX}abc`;
const PROOF_KEY = `${AUTHORIZER_JTI_PREFIX}def`;
const live = (region: string, usedAt: number, kind?: string): ItemFields => ({
  region,
  usedAt,
  expiresAt: usedAt + 60,
  ...(kind === undefined ? {} : { kind }),
});

describe('inspectRecord', () => {
  it('finds an assertion used in A and then in B before A’s use replicated', () => {
    // Arrange: A's item, replaced in A's table by B's replicated item 5 s later.
    const r = record(
      'MODIFY',
      ASSERTION_KEY,
      live(A, 1000, 'assertion'),
      live(B, 1005, 'assertion'),
    );

    // Act
    const verdict = inspectRecord(r);

    // Assert
    expect(verdict).toEqual({
      outcome: 'double_use',
      use: {
        kind: 'assertion',
        firstRegion: A,
        secondRegion: B,
        firstUsedAt: 1000,
        secondUsedAt: 1005,
        expiresAt: 1060,
        itemKey: ASSERTION_KEY,
      },
    });
  });

  it.each([
    ['a DPoP proof at the token endpoint', ASSERTION_KEY, 'dpop_token', 'dpop_token'],
    [
      'a DPoP proof at the authorizer (dpopjti#, no kind attribute)',
      PROOF_KEY,
      undefined,
      'dpop_authorizer',
    ],
    ['a dpopjti# item even if it names another kind', PROOF_KEY, 'assertion', 'dpop_authorizer'],
  ])('names the kind of %s', (_label, key, kind, expected) => {
    const verdict = inspectRecord(record('MODIFY', key, live(A, 1000, kind), live(B, 1001, kind)));
    expect(verdict).toMatchObject({ outcome: 'double_use', use: { kind: expected } });
  });

  it('reads a jti# item’s kind from the old image when the new one lacks it', () => {
    const verdict = inspectRecord(
      record('MODIFY', ASSERTION_KEY, live(A, 1000, 'dpop_token'), live(B, 1001)),
    );
    expect(verdict).toMatchObject({ outcome: 'double_use', use: { kind: 'dpop_token' } });
  });

  it('does not count an item replaced after it expired (the condition allowed the write)', () => {
    // Arrange: A's item expired at 1060; B used the jti at 1061.
    const r = record(
      'MODIFY',
      ASSERTION_KEY,
      live(A, 1000, 'assertion'),
      live(B, 1061, 'assertion'),
    );

    // Act / Assert
    expect(inspectRecord(r)).toEqual({ outcome: 'ignored', reason: 'expired_before_second_use' });
  });

  it('counts an item replaced in the very second it expires (still live: the condition is expires_at < now)', () => {
    const r = record(
      'MODIFY',
      ASSERTION_KEY,
      live(A, 1000, 'assertion'),
      live(B, 1060, 'assertion'),
    );
    expect(inspectRecord(r)).toMatchObject({ outcome: 'double_use' });
  });

  it('counts when the second use has no used_at (its time unknown: the safe side)', () => {
    const r = record('MODIFY', ASSERTION_KEY, live(A, 1000, 'assertion'), {
      region: B,
      expiresAt: 5000,
      kind: 'assertion',
    });
    expect(inspectRecord(r)).toMatchObject({ outcome: 'double_use', use: { secondRegion: B } });
  });

  it('counts when the replaced item never expires, and omits what the items do not say', () => {
    const verdict = inspectRecord(record('MODIFY', PROOF_KEY, { region: A }, { region: B }));
    expect(verdict).toEqual({
      outcome: 'double_use',
      use: { kind: 'dpop_authorizer', firstRegion: A, secondRegion: B, itemKey: PROOF_KEY },
    });
  });

  it.each([
    [
      'an INSERT',
      record('INSERT', ASSERTION_KEY, undefined, live(B, 1000, 'assertion')),
      'not_modify',
    ],
    [
      'a REMOVE (TTL)',
      record('REMOVE', ASSERTION_KEY, live(A, 1000, 'assertion'), undefined),
      'not_modify',
    ],
    ['a client record', record('MODIFY', 'client-1', live(A, 1), live(B, 2)), 'other_key'],
    ['a revoked# item', record('MODIFY', 'revoked#x', live(A, 1), live(B, 2)), 'other_key'],
    [
      'the same Region on both sides',
      record('MODIFY', ASSERTION_KEY, live(A, 1000, 'assertion'), live(A, 1001, 'assertion')),
      'same_region',
    ],
    [
      'an old image without region',
      record('MODIFY', ASSERTION_KEY, { expiresAt: 1060 }, live(B, 1001, 'assertion')),
      'no_region',
    ],
    [
      'a new image without region',
      record('MODIFY', ASSERTION_KEY, live(A, 1000, 'assertion'), { expiresAt: 1060 }),
      'no_region',
    ],
  ])('ignores %s', (_label, r, reason) => {
    expect(inspectRecord(r)).toEqual({ outcome: 'ignored', reason });
  });

  it.each([
    ['not an object', 'x', 'not_a_record', undefined],
    ['null', null, 'not_a_record', undefined],
    ['no dynamodb member', { eventName: 'MODIFY' }, 'not_a_record', undefined],
    ['no key', { eventID: 'e9', eventName: 'MODIFY', dynamodb: {} }, 'no_key', 'e9'],
    [
      'a key that is not a string',
      { eventName: 'MODIFY', dynamodb: { Keys: { client_id: { N: '1' } } } },
      'no_key',
      undefined,
    ],
    ['no images', { ...record('MODIFY', ASSERTION_KEY, undefined, undefined) }, 'no_images', 'e1'],
    [
      'a bad expires_at',
      withAttribute(
        record('MODIFY', ASSERTION_KEY, live(A, 1), live(B, 2, 'assertion')),
        'OldImage',
        'expires_at',
        { N: 'soon' },
      ),
      'bad_number',
      'e1',
    ],
    [
      'an empty used_at',
      withAttribute(
        record('MODIFY', ASSERTION_KEY, live(A, 1), live(B, 2, 'assertion')),
        'NewImage',
        'used_at',
        { N: ' ' },
      ),
      'bad_number',
      'e1',
    ],
    [
      'a used_at that is not N',
      withAttribute(
        record('MODIFY', ASSERTION_KEY, live(A, 1), live(B, 2, 'assertion')),
        'OldImage',
        'used_at',
        { S: '1' },
      ),
      'bad_number',
      'e1',
    ],
    [
      'an expires_at that is no attribute value',
      withAttribute(
        record('MODIFY', ASSERTION_KEY, live(A, 1), live(B, 2, 'assertion')),
        'OldImage',
        'expires_at',
        1060,
      ),
      'bad_number',
      'e1',
    ],
    [
      'a jti# item without kind',
      record('MODIFY', ASSERTION_KEY, live(A, 1000), live(B, 1001)),
      'no_kind',
      'e1',
    ],
    [
      'a jti# item with an unknown kind',
      record('MODIFY', ASSERTION_KEY, live(A, 1000, 'x'), live(B, 1001, 'x')),
      'no_kind',
      'e1',
    ],
    [
      'a jti# item naming the authorizer’s kind',
      record(
        'MODIFY',
        ASSERTION_KEY,
        live(A, 1000, 'dpop_authorizer'),
        live(B, 1001, 'dpop_authorizer'),
      ),
      'no_kind',
      'e1',
    ],
  ])('reports a malformed record (%s) without throwing', (_label, r, reason, eventId) => {
    expect(inspectRecord(r)).toEqual({
      outcome: 'malformed',
      reason,
      ...(eventId === undefined ? {} : { eventId }),
    });
  });
});

/** The record with one attribute of one image replaced. */
function withAttribute(
  r: Record<string, unknown>,
  side: 'OldImage' | 'NewImage',
  name: string,
  value: unknown,
): Record<string, unknown> {
  const stream = r.dynamodb as Record<string, Record<string, unknown>>;
  return { ...r, dynamodb: { ...stream, [side]: { ...stream[side], [name]: value } } };
}

describe('inspectRecord, properties', () => {
  const regions = fc.constantFrom('eu-west-1', 'us-east-1', 'ap-southeast-2');
  const kinds = fc.constantFrom('assertion', 'dpop_token');
  const keys = fc.oneof(
    fc.string().map((s) => `${TOKEN_JTI_PREFIX}${s}`),
    fc.string().map((s) => `${AUTHORIZER_JTI_PREFIX}${s}`),
  );
  const time = fc.integer({ min: 1_700_000_000, max: 1_800_000_000 });
  const fields = fc.record(
    {
      region: regions,
      expiresAt: time,
      usedAt: time,
      kind: kinds,
    },
    { requiredKeys: [] },
  );
  const events = fc.constantFrom('INSERT', 'MODIFY', 'REMOVE');

  it('counts exactly a MODIFY of a single-use item whose two images name two Regions, the old one live at the second use', () => {
    fc.assert(
      fc.property(events, keys, fields, fields, (eventName, key, oldFields, newFields) => {
        // Arrange: the images a record of this event has.
        const r = record(
          eventName,
          key,
          eventName === 'INSERT' ? undefined : oldFields,
          eventName === 'REMOVE' ? undefined : newFields,
        );
        const expected =
          eventName === 'MODIFY' &&
          oldFields.region !== undefined &&
          newFields.region !== undefined &&
          oldFields.region !== newFields.region &&
          !(
            oldFields.expiresAt !== undefined &&
            newFields.usedAt !== undefined &&
            oldFields.expiresAt < newFields.usedAt
          ) &&
          (key.startsWith(AUTHORIZER_JTI_PREFIX) ||
            newFields.kind !== undefined ||
            oldFields.kind !== undefined);

        // Act
        const verdict = inspectRecord(r);

        // Assert
        expect(verdict.outcome === 'double_use').toBe(expected);
        if (verdict.outcome === 'double_use') {
          expect(verdict.use).toMatchObject({
            firstRegion: oldFields.region,
            secondRegion: newFields.region,
            itemKey: key,
          });
        }
      }),
    );
  });

  it('never counts another key, and never throws on any JSON', () => {
    fc.assert(
      fc.property(
        fc
          .string()
          .filter((k) => !k.startsWith(TOKEN_JTI_PREFIX) && !k.startsWith(AUTHORIZER_JTI_PREFIX)),
        fields,
        fields,
        fc.jsonValue(),
        (key, oldFields, newFields, junk) => {
          expect(inspectRecord(record('MODIFY', key, oldFields, newFields)).outcome).not.toBe(
            'double_use',
          );
          expect(() => inspectRecord(junk)).not.toThrow();
          expect(inspectRecord(junk).outcome).not.toBe('double_use');
        },
      ),
    );
  });
});
