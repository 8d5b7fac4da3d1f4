import { describe, expect, test } from 'vitest';
import { jsonLocator, lineColumn, syntaxErrorPlace, syntaxErrorReason } from '../../../src/util/json-location.js';

const TEXT = ['{', '  "teams": [{ "id": "acme" }],', '  "apps": [', '    { "id": "rocket", "tem": "acme" }', '  ]', '}'].join('\n');

describe('lineColumn', () => {
  test('counts both from 1', () => {
    expect(lineColumn('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
    expect(lineColumn('ab\ncd', 5)).toEqual({ line: 2, column: 3 });
  });
});

describe('jsonLocator', () => {
  const locate = jsonLocator(TEXT);

  test('finds a value, or its key', () => {
    expect(locate(['teams', 0, 'id'])).toEqual({ line: 2, column: 21 });
    expect(locate(['apps', 0, 'tem'], { key: true })).toEqual({ line: 4, column: 23 });
    expect(locate(['apps', 0, 'tem'])).toEqual({ line: 4, column: 30 });
    expect(locate(['apps', 0])).toEqual({ line: 4, column: 5 });
  });

  test('a missing member is found at its nearest ancestor; the root at its start', () => {
    expect(locate(['apps', 0, 'title'])).toEqual({ line: 4, column: 5 });
    expect(locate(['channels'])).toEqual({ line: 1, column: 1 });
  });

  test('finds nothing in a text that is not JSON', () => {
    expect(jsonLocator('{ "a": ')(['a'])).toBeUndefined();
  });
});

describe('syntaxErrorPlace', () => {
  const parseError = (text: string) => {
    try {
      JSON.parse(text);
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error('expected a syntax error');
  };

  test.each([
    ['{\n  "a": 1,\n}', { line: 3, column: 1 }],
    ['{\n  "a": x\n}', { line: 2, column: 8 }],
    ['{\n  "a": [', { line: 2, column: 9 }],
    ['{}\n{}', { line: 2, column: 1 }],
  ])('%j: where JSON.parse stopped, whatever its message says', (text, place) => {
    expect(syntaxErrorPlace(text, parseError(text))).toEqual(place);
  });

  test('reads each message form Node gives', () => {
    expect(syntaxErrorPlace('{\n "a",', "Expected ':' after property name in JSON at position 6")).toEqual({ line: 2, column: 5 });
    expect(syntaxErrorPlace('{\n "a",', "Expected ':' after property name in JSON at position 6 (line 2 column 5)")).toEqual({ line: 2, column: 5 });
    expect(syntaxErrorPlace('{\n "a": x', 'Unexpected token \'x\', "{\n "a": x" is not valid JSON')).toEqual({ line: 2, column: 7 });
  });
});

describe('syntaxErrorReason', () => {
  test.each([
    ['Expected double-quoted property name in JSON at position 7', 'Expected double-quoted property name'],
    ["Expected ':' after property name in JSON at position 6 (line 2 column 5)", "Expected ':' after property name"],
    ['Unexpected token \'x\', ..."1,\n  "b": x\n}" is not valid JSON', "Unexpected token 'x'"],
    ['Unexpected token \'x\', "{"a": x}" is not valid JSON', "Unexpected token 'x'"],
    ['Unexpected end of JSON input', 'Unexpected end of JSON input'],
  ])('%j → %j', (message, reason) => {
    expect(syntaxErrorReason(message)).toBe(reason);
  });
});
