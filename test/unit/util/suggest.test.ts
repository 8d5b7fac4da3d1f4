import { describe, expect, test } from 'vitest';
import { closestMatch, didYouMean, editDistance } from '../../../src/util/suggest.js';

describe('editDistance', () => {
  test.each([
    ['', '', 0],
    ['team', 'team', 0],
    ['tem', 'team', 1],
    ['teams', 'team', 1],
    ['tesm', 'team', 1],
    ['bluebrid', 'bluebird', 1],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
  ])('%j → %j is %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe('closestMatch', () => {
  test('suggests a typo’s likely target, ignoring case', () => {
    expect(closestMatch('tem', ['id', 'team', 'title'])).toBe('team');
    expect(closestMatch('bluebrid', ['acme', 'bluebird'])).toBe('bluebird');
    expect(closestMatch('Acme', ['acme', 'globex'])).toBe('acme');
    expect(closestMatch('relase', ['release', 'debug', 'profile'])).toBe('release');
  });

  test('suggests nothing far off, nor the input itself', () => {
    expect(closestMatch('nope', ['acme', 'globex'])).toBeUndefined();
    expect(closestMatch('x', ['id'])).toBeUndefined();
    expect(closestMatch('acme', ['acme'])).toBeUndefined();
    expect(closestMatch('acme', [])).toBeUndefined();
  });

  test('a tie goes to the earlier candidate; a closer one wins over it', () => {
    expect(closestMatch('ab', ['ac', 'ad'])).toBe('ac');
    expect(closestMatch('abcdef', ['abcxyf', 'abcdxf'])).toBe('abcdxf');
  });
});

describe('didYouMean', () => {
  test('is the end of a message, or nothing', () => {
    expect(didYouMean('tem', ['team'])).toBe("; did you mean 'team'?");
    expect(didYouMean('nope', ['team'])).toBe('');
  });
});
