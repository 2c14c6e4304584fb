import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../catalog/health/index.ts';

describe('parseDuration', () => {
  it.each([
    ['10s', 10_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['2h', 7_200_000],
    ['1h2m3s4ms', 3_723_004],
    ['1.5s', 1500],
    ['.5s', 500],
    ['1.s', 1000],
    ['250us', 0.25],
    ['250µs', 0.25],
    ['250μs', 0.25],
    ['1000000ns', 1],
    ['0', 0],
    ['-3s', -3000],
    ['+3s', 3000],
    [10_000_000_000, 10_000],
    [0, 0],
  ] as const)('%j is %d ms', (input, ms) => {
    expect(parseDuration(input)).toBeCloseTo(ms, 9);
  });

  it.each([
    ['', 'empty'],
    ['10', 'missing unit'],
    ['1.5', 'missing unit'],
    ['s', 'unexpected'],
    ['10 s', 'unexpected'],
    ['10x', 'unexpected'],
    ['1d', 'unexpected'],
    ['.s', 'unexpected'],
    ['-', 'empty'],
    ['10s5', 'missing unit'],
  ])('%j is rejected with an error naming the value', (input, hint) => {
    expect(() => parseDuration(input)).toThrowError(new RegExp(`invalid duration ${JSON.stringify(input).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*${hint}`));
  });

  it('rejects non-finite numbers', () => {
    expect(() => parseDuration(Number.NaN)).toThrow(/invalid duration NaN/);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [500, '500ms'],
    [10_000, '10s'],
    [90_000, '1m30s'],
    [7_200_000, '2h0m0s'],
    [1500, '1.5s'],
    [0.25, '250µs'],
    [-3000, '-3s'],
  ])('%d ms is %s and parses back', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toBeCloseTo(ms, 9);
  });
});
