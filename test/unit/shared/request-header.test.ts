// Unit tests of singleHeader: one value of a header in a REST API event, any spelling, and a header sent twice refused.
import { MULTIPLE_VALUES, singleHeader } from '../../../functions/shared/request-header';

describe('singleHeader', () => {
  it.each([
    ['the only spelling', { Authorization: 'Basic a' }, { Authorization: ['Basic a'] }, 'Basic a'],
    ['another spelling', { AUTHORIZATION: 'Basic a' }, { AUTHORIZATION: ['Basic a'] }, 'Basic a'],
    ['no multiValueHeaders', { authorization: 'Basic a' }, undefined, 'Basic a'],
    ['null multiValueHeaders', { authorization: 'Basic a' }, null, 'Basic a'],
    [
      'a multi value that is not a list',
      { authorization: 'Basic a' },
      { authorization: 'x' },
      'Basic a',
    ],
    ['other headers around it', { Host: 'h', 'X-Authorization': 'x', Authorization: 'a' }, {}, 'a'],
  ])('returns the value under %s', (_name, headers, multiValueHeaders, expected) => {
    // Act
    const value = singleHeader({ headers, multiValueHeaders } as never, 'authorization');

    // Assert
    expect(value).toBe(expected);
  });

  it.each([
    ['no such header', { Host: 'h' }, { Host: ['h'] }],
    ['no headers', null, null],
    ['headers that are not an object', 'Authorization: a', { Authorization: ['a'] }],
    ['a value that is not a string', { Authorization: 42 }, {}],
  ])('returns undefined for %s', (_name, headers, multiValueHeaders) => {
    // Act
    const value = singleHeader({ headers, multiValueHeaders } as never, 'authorization');

    // Assert
    expect(value).toBeUndefined();
  });

  it.each([
    ['two spellings in headers', { Authorization: 'a', authorization: 'b' }, {}],
    ['two equal values under two spellings', { Authorization: 'a', authorization: 'a' }, {}],
    ['two values in multiValueHeaders', { Authorization: 'b' }, { Authorization: ['a', 'b'] }],
    [
      'two equal values in multiValueHeaders',
      { Authorization: 'a' },
      { Authorization: ['a', 'a'] },
    ],
    [
      'one value under each of two spellings in multiValueHeaders',
      { Authorization: 'a' },
      { Authorization: ['a'], AUTHORIZATION: ['b'] },
    ],
    [
      'a non-list value beside a list in multiValueHeaders',
      { Authorization: 'a' },
      { Authorization: ['a'], authorization: 'b' },
    ],
    ['values in multiValueHeaders only', {}, { authorization: ['a', 'b'] }],
  ])('returns MULTIPLE_VALUES for %s', (_name, headers, multiValueHeaders) => {
    // Act
    const value = singleHeader({ headers, multiValueHeaders } as never, 'authorization');

    // Assert
    expect(value).toBe(MULTIPLE_VALUES);
  });
});
