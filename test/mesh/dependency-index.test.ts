import { describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../catalog/index.ts';
import { DependencyIndex } from '../../xds/engine/dependency-index.ts';
import type { SnapshotDependencies } from '../../xds/snapshot/gather.ts';

const NONE: SnapshotDependencies = { connect: [], configEntries: [] };

function deps(service: string, upstreams: string[]): SnapshotDependencies {
  return {
    connect: [...upstreams],
    configEntries: ['proxy-defaults/global', `service-defaults/${service}`, ...upstreams.map((u) => `service-resolver/${u}`), `service-intentions/${service}`],
  };
}

function event(parts: { configEntries?: string[] }): ChangeEvent {
  return {
    index: 1,
    nodes: new Set(),
    services: new Set(),
    connect: new Set(),
    configEntries: new Set(parts.configEntries ?? []),
    keyMaterial: new Set(),
    ca: false,
    tables: new Set(),
  };
}

function visited(index: DependencyIndex, ev: ChangeEvent, upstreamsChanged: string[] = []): { all: string[]; viaUpstreams: string[]; viaIntentions: string[] } {
  const all = new Set<string>();
  const viaUpstreams = new Set<string>();
  const viaIntentions = new Set<string>();
  index.affected(ev, new Set(upstreamsChanged), (id) => all.add(id), (id) => viaUpstreams.add(id), (id) => viaIntentions.add(id));
  const sorted = (s: Set<string>): string[] => [...s].sort();
  return { all: sorted(all), viaUpstreams: sorted(viaUpstreams), viaIntentions: sorted(viaIntentions) };
}

describe('DependencyIndex', () => {
  it('finds every proxy reading a key, whether its lists are equal to other proxies’ or its own', () => {
    const index = new DependencyIndex();
    // Equal lists in separate arrays, as two gathers make them.
    index.update('web-1', undefined, deps('web', ['db', 'cache']));
    index.update('web-2', undefined, deps('web', ['db', 'cache']));
    index.update('api-1', undefined, deps('api', ['db']));
    expect(visited(index, event({ configEntries: ['service-defaults/web'] })).all).toEqual(['web-1', 'web-2']);
    expect(visited(index, event({}), ['db']).viaUpstreams).toEqual(['api-1', 'web-1', 'web-2']);
    expect(visited(index, event({}), ['cache']).viaUpstreams).toEqual(['web-1', 'web-2']);
    expect(visited(index, event({ configEntries: ['service-intentions/api'] })).viaIntentions).toEqual(['api-1']);
    expect(visited(index, event({ configEntries: ['proxy-defaults/global'] })).all).toEqual(['api-1', 'web-1', 'web-2']);
  });

  it('moves a proxy whose dependencies changed, and forgets keys nobody reads any more', () => {
    const index = new DependencyIndex();
    const before = deps('web', ['db', 'cache']);
    index.update('web-1', undefined, before);
    const before2 = deps('web', ['db', 'cache']);
    index.update('web-2', undefined, before2);
    const keys = index.size();
    const after = deps('web', ['db']);
    index.update('web-1', before, after);
    expect(visited(index, event({}), ['cache']).viaUpstreams).toEqual(['web-2']);
    expect(visited(index, event({}), ['db']).viaUpstreams).toEqual(['web-1', 'web-2']);
    // web-2 leaves too: nobody reads `cache` or its resolver.
    index.update('web-2', before2, deps('web', ['db']));
    expect(visited(index, event({}), ['cache']).viaUpstreams).toEqual([]);
    expect(index.size()).toBe(keys - 2);
    index.update('web-1', after, NONE);
    index.update('web-2', after, NONE);
    expect(index.size()).toBe(0);
    expect(visited(index, event({ configEntries: ['service-defaults/web'] })).all).toEqual([]);
  });
});
