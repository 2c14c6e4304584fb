import { describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../catalog/index.ts';
import { RegistrationIndex } from '../../xds/engine/registration-index.ts';

function event(nodes: string[], services: string[]): ChangeEvent {
  return { index: 1, nodes: new Set(nodes), services: new Set(services), connect: new Set(), configEntries: new Set(), keyMaterial: new Set(), ca: false, tables: new Set(['services']) };
}

function affected(index: RegistrationIndex, ev: ChangeEvent): string[] {
  const out: string[] = [];
  index.affected(ev, (id) => out.push(id));
  return out.sort();
}

describe('RegistrationIndex: a proxy concerned by writes of its own registration', () => {
  it('needs both its node and its service named by the change', () => {
    const index = new RegistrationIndex();
    index.place('web-1-sidecar', { node: 'n1', service: 'web-sidecar' });
    index.place('web-2-sidecar', { node: 'n2', service: 'web-sidecar' });
    index.place('api-1-sidecar', { node: 'n1', service: 'api-sidecar' });
    expect(affected(index, event(['n3'], ['web-sidecar']))).toEqual([]);
    expect(affected(index, event(['n1'], ['web-sidecar']))).toEqual(['web-1-sidecar']);
    // A node write names every service on the node.
    expect(affected(index, event(['n1'], ['web-sidecar', 'api-sidecar']))).toEqual(['api-1-sidecar', 'web-1-sidecar']);
  });

  it('follows a proxy to another node, and forgets it', () => {
    const index = new RegistrationIndex();
    index.place('web-1-sidecar', { node: 'n1', service: 'web-sidecar' });
    index.place('web-1-sidecar', { node: 'n2', service: 'web-sidecar' });
    expect(affected(index, event(['n1'], ['web-sidecar']))).toEqual([]);
    expect(affected(index, event(['n2'], ['web-sidecar']))).toEqual(['web-1-sidecar']);
    index.place('web-1-sidecar', undefined);
    expect(affected(index, event(['n2'], ['web-sidecar']))).toEqual([]);
  });
});
