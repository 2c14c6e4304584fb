import { describe, expect, it } from 'vitest';
import { CLUSTER_TYPE, encodeResource } from '../../xds/index.ts';
import { setVersion } from '../../xds/server/set-version.ts';
import { makeCluster } from './fixtures.ts';

describe('setVersion: the version of a set of resources', () => {
  const a = encodeResource(CLUSTER_TYPE, makeCluster('a'));
  const b = encodeResource(CLUSTER_TYPE, makeCluster('b'));
  const c = encodeResource(CLUSTER_TYPE, makeCluster('c'));
  const b2 = encodeResource(CLUSTER_TYPE, makeCluster('b', { connectTimeoutSeconds: 9 }));

  it('is the same for the same set in any order', () => {
    expect(setVersion([a, b, c])).toBe(setVersion([c, a, b]));
  });

  it('changes when a member is added, removed or changes content', () => {
    const seen = new Set([setVersion([]), setVersion([a]), setVersion([a, b]), setVersion([a, b, c]), setVersion([a, b2]), setVersion([b, c])]);
    expect(seen.size).toBe(6);
  });

  it('names the count and stays short', () => {
    expect(setVersion([a, b])).toMatch(/^2\.[A-Za-z0-9_-]{22}$/);
    expect(setVersion([])).toBe(`0.${'A'.repeat(22)}`);
  });
});
