// Unit tests of where and as whom the Lambdas call AWS: the region, the service endpoint and its overrides, and the credentials, all read from an environment object.
import fc from 'fast-check';
import {
  AwsEnvironmentError,
  credentialsFrom,
  regionFrom,
  serviceEndpoint,
} from '../../../../functions/shared/aws/environment';

/** @returns what `fn` threw */
const thrown = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
};

describe('regionFrom', () => {
  it('reads AWS_REGION, as Lambda defines it', () => {
    // Act
    const region = regionFrom({ AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'us-east-1' });

    // Assert
    expect(region).toBe('eu-west-1');
  });

  it.each([
    ['missing', {}],
    ['empty', { AWS_REGION: '' }],
  ])('falls back to AWS_DEFAULT_REGION when AWS_REGION is %s', (_, env) => {
    // Act
    const region = regionFrom({ ...env, AWS_DEFAULT_REGION: 'ap-southeast-2' });

    // Assert
    expect(region).toBe('ap-southeast-2');
  });

  it.each([
    ['no variable', {}],
    ['empty variables', { AWS_REGION: '', AWS_DEFAULT_REGION: '' }],
  ])('throws an AwsEnvironmentError naming AWS_REGION with %s', (_, env) => {
    // Act
    const err = thrown(() => regionFrom(env));

    // Assert
    expect(err).toBeInstanceOf(AwsEnvironmentError);
    expect(err).toMatchObject({
      name: 'AwsEnvironmentError',
      message: 'AWS_REGION is not set (nor AWS_DEFAULT_REGION)',
    });
  });

  it.each([
    ['upper case', 'EU-WEST-1'],
    ['a host name', 'evil.example.com'],
    ['a path', 'eu-west-1/../x'],
    ['a space', 'eu west 1'],
    ['41 characters', 'a'.repeat(41)],
  ])('rejects a region with %s, quoting it', (_, region) => {
    // Act
    const err = thrown(() => regionFrom({ AWS_REGION: region }));

    // Assert
    expect(err).toBeInstanceOf(AwsEnvironmentError);
    expect((err as Error).message).toBe(
      `AWS_REGION is not a region name: ${JSON.stringify(region)}`,
    );
  });

  it('accepts exactly the names made of lowercase letters, digits and dashes, up to 40', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 45 }), (region) => {
        // Arrange
        const valid = /^[a-z0-9-]{1,40}$/.test(region);

        // Act
        const result = ((): string | Error => {
          try {
            return regionFrom({ AWS_REGION: region });
          } catch (err) {
            return err as Error;
          }
        })();

        // Assert
        return valid ? result === region : result instanceof AwsEnvironmentError;
      }),
    );
  });
});

describe('serviceEndpoint', () => {
  it.each([
    ['dynamodb', 'eu-west-1', 'https://dynamodb.eu-west-1.amazonaws.com/'],
    ['kms', 'us-east-1', 'https://kms.us-east-1.amazonaws.com/'],
    ['dynamodb', 'cn-north-1', 'https://dynamodb.cn-north-1.amazonaws.com.cn/'],
    ['kms', 'cn-northwest-1', 'https://kms.cn-northwest-1.amazonaws.com.cn/'],
  ] as const)('resolves the regional %s endpoint of %s', (service, region, expected) => {
    // Act
    const url = serviceEndpoint(service, {}, region);

    // Assert
    expect(url.href).toBe(expected);
  });

  it('uses AWS_ENDPOINT_URL for every service', () => {
    // Arrange
    const env = { AWS_ENDPOINT_URL: 'http://localhost:4566' };

    // Act
    const urls = [
      serviceEndpoint('dynamodb', env, 'eu-west-1'),
      serviceEndpoint('kms', env, 'eu-west-1'),
    ];

    // Assert
    expect(urls.map(String)).toEqual(['http://localhost:4566/', 'http://localhost:4566/']);
  });

  it('lets AWS_ENDPOINT_URL_DYNAMODB and AWS_ENDPOINT_URL_KMS override the global one, each for its service', () => {
    // Arrange
    const env = {
      AWS_ENDPOINT_URL: 'http://global:1',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://ddb:2',
      AWS_ENDPOINT_URL_KMS: 'https://kms:3/base',
    };

    // Act
    const dynamodb = serviceEndpoint('dynamodb', env, 'eu-west-1');
    const kms = serviceEndpoint('kms', env, 'eu-west-1');
    const kmsOnlyGlobal = serviceEndpoint('kms', { ...env, AWS_ENDPOINT_URL_KMS: '' }, 'eu-west-1');

    // Assert
    expect(dynamodb.href).toBe('http://ddb:2/');
    expect(kms.href).toBe('https://kms:3/base');
    expect(kmsOnlyGlobal.href).toBe('http://global:1/');
  });

  it('does not apply one service’s override to the other', () => {
    // Act
    const url = serviceEndpoint('dynamodb', { AWS_ENDPOINT_URL_KMS: 'http://kms:3' }, 'eu-west-1');

    // Assert
    expect(url.href).toBe('https://dynamodb.eu-west-1.amazonaws.com/');
  });

  it.each([['true'], ['TRUE'], ['True']])(
    'ignores both overrides, even invalid ones, when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is %s',
    (ignore) => {
      // Arrange
      const env = {
        AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: ignore,
        AWS_ENDPOINT_URL: 'not a url',
        AWS_ENDPOINT_URL_KMS: 'ftp://kms',
      };

      // Act
      const url = serviceEndpoint('kms', env, 'eu-west-1');

      // Assert
      expect(url.href).toBe('https://kms.eu-west-1.amazonaws.com/');
    },
  );

  it.each([['false'], ['1'], ['']])(
    'keeps the overrides when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is %j',
    (ignore) => {
      // Act
      const url = serviceEndpoint(
        'dynamodb',
        { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: ignore, AWS_ENDPOINT_URL: 'http://moto:5000' },
        'eu-west-1',
      );

      // Assert
      expect(url.href).toBe('http://moto:5000/');
    },
  );

  it.each([
    ['AWS_ENDPOINT_URL', { AWS_ENDPOINT_URL: 'http//moto:5000' }, 'http//moto:5000'],
    ['AWS_ENDPOINT_URL', { AWS_ENDPOINT_URL: 'not a url' }, 'not a url'],
    [
      'AWS_ENDPOINT_URL_DYNAMODB',
      { AWS_ENDPOINT_URL: 'http://fine', AWS_ENDPOINT_URL_DYNAMODB: '//no-scheme' },
      '//no-scheme',
    ],
  ])('rejects a value of %s that is not a URL, naming the variable', (variable, env, value) => {
    // Act
    const err = thrown(() => serviceEndpoint('dynamodb', env, 'eu-west-1'));

    // Assert
    expect(err).toBeInstanceOf(AwsEnvironmentError);
    expect((err as Error).message).toBe(`${variable} is not a URL: ${JSON.stringify(value)}`);
  });

  it.each([
    ['AWS_ENDPOINT_URL', { AWS_ENDPOINT_URL: 'ftp://files.example' }, 'ftp:'],
    ['AWS_ENDPOINT_URL_KMS', { AWS_ENDPOINT_URL_KMS: 'file:///etc/passwd' }, 'file:'],
  ])(
    'rejects a %s that is not http(s), naming the variable and the scheme',
    (variable, env, scheme) => {
      // Act
      const err = thrown(() => serviceEndpoint('kms', env, 'eu-west-1'));

      // Assert
      expect(err).toBeInstanceOf(AwsEnvironmentError);
      expect((err as Error).message).toBe(
        `${variable} must be an http or https URL, not ${scheme}`,
      );
    },
  );
});

describe('credentialsFrom', () => {
  it('reads the key id, the secret and the session token', () => {
    // Act
    const credentials = credentialsFrom({
      AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'token',
    });

    // Assert
    expect(credentials).toStrictEqual({
      accessKeyId: 'ASIAEXAMPLE',
      secretAccessKey: 'secret',
      sessionToken: 'token',
    });
  });

  it.each([
    ['missing', {}],
    ['empty', { AWS_SESSION_TOKEN: '' }],
  ])('leaves the session token out when it is %s', (_, extra) => {
    // Act
    const credentials = credentialsFrom({
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      ...extra,
    });

    // Assert
    expect(credentials).toStrictEqual({ accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' });
    expect(credentials).not.toHaveProperty('sessionToken');
  });

  it.each([
    ['nothing is set', {}],
    ['the key id is missing', { AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 't' }],
    ['the secret is missing', { AWS_ACCESS_KEY_ID: 'AKIA', AWS_SESSION_TOKEN: 't' }],
    ['the key id is empty', { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: 'secret' }],
    ['the secret is empty', { AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: '' }],
  ])('answers undefined when %s', (_, env) => {
    // Act
    const credentials = credentialsFrom(env);

    // Assert
    expect(credentials).toBeUndefined();
  });

  it('returns the variables as they are, for any non-empty values', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.string({ minLength: 1 }),
        fc.option(fc.string({ minLength: 1 }), { nil: undefined }),
        (accessKeyId, secretAccessKey, sessionToken) => {
          // Act
          const credentials = credentialsFrom({
            AWS_ACCESS_KEY_ID: accessKeyId,
            AWS_SECRET_ACCESS_KEY: secretAccessKey,
            AWS_SESSION_TOKEN: sessionToken,
          });

          // Assert
          expect(credentials).toStrictEqual(
            sessionToken === undefined
              ? { accessKeyId, secretAccessKey }
              : { accessKeyId, secretAccessKey, sessionToken },
          );
        },
      ),
    );
  });
});

describe('regionFrom: which variable is wrong', () => {
  it('names AWS_DEFAULT_REGION when its value is the bad one', () => {
    // Act / Assert
    expect(() => regionFrom({ AWS_DEFAULT_REGION: 'Not A Region' })).toThrow(
      'AWS_DEFAULT_REGION is not a region name: "Not A Region"',
    );
  });
});
