// Unit tests of the client id log keys: the issued shape as is, anything else as a fingerprint and length, the authenticated id as is.
import { createHash } from 'node:crypto';
import {
  clientIdFingerprint,
  presentedClientIdKeys,
  trackClientId,
} from '../../../functions/token/client-id-log';

const ISSUED = '0123456789abcdef0123456789abcdef';
const SECRET = 'hF3kq9Zx0P_vN2mB7cL-4tY8wR1sD6gJ5aE0uI3oK2e';

describe('clientIdFingerprint', () => {
  it('is the first 8 hex characters of the SHA-256 of the UTF-8 id', () => {
    // Arrange
    const expected = createHash('sha256').update('é-client', 'utf8').digest('hex').slice(0, 8);

    // Act / Assert
    expect(clientIdFingerprint('é-client')).toBe(`sha256:${expected}`);
    expect(clientIdFingerprint('abc')).toBe('sha256:ba7816bf');
  });
});

describe('presentedClientIdKeys', () => {
  it('keeps an id of the issued shape', () => {
    // Act / Assert
    expect(presentedClientIdKeys(ISSUED)).toEqual({ clientId: ISSUED });
  });

  it.each([SECRET, 'client-1', ISSUED.toUpperCase(), '', 'x'.repeat(5000)])(
    'replaces %j by its fingerprint and length',
    (id) => {
      // Act
      const keys = presentedClientIdKeys(id);

      // Assert
      expect(keys).toEqual({
        clientIdFingerprint: clientIdFingerprint(id),
        clientIdLength: id.length,
      });
    },
  );
});

describe('trackClientId', () => {
  it('has no keys before the core names a client', () => {
    // Act / Assert
    expect(trackClientId().logKeys()).toEqual({});
  });

  it('gives the presented id keys, then the authenticated id as is', () => {
    // Arrange
    const tracked = trackClientId();

    // Act
    tracked.hooks.onClientId('legacy-client');
    const presented = tracked.logKeys();
    tracked.hooks.onAuthenticated('legacy-client');
    const authenticated = tracked.logKeys();

    // Assert
    expect(presented).toEqual(presentedClientIdKeys('legacy-client'));
    expect(authenticated).toEqual({ clientId: 'legacy-client' });
  });
});
