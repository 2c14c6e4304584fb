import { describe, expect, it } from 'vitest';
import {
  intentionsFromEntries,
  intentionsFromEntry,
  removeLegacyIntention,
  sourceFromIntention,
  upsertLegacyIntention,
  validateServiceIntentions,
  type ServiceIntentionsEntry,
} from '../../policy/index.ts';
import { ixn, label } from './intentions-helpers.ts';

const entry: ServiceIntentionsEntry = {
  Kind: 'service-intentions',
  Name: 'api',
  Sources: [
    { Name: 'web', Action: 'allow', Precedence: 9, Type: 'consul', Description: 'web may call', LegacyID: 'id-1', LegacyMeta: { team: 'a' }, LegacyCreateTime: '2024-01-01T00:00:00Z', LegacyUpdateTime: '2024-01-02T00:00:00Z' },
    { Name: 'admin', Permissions: [{ Action: 'allow', HTTP: { PathPrefix: '/admin' } }], Precedence: 9, Type: 'consul' },
    { Name: '*', Action: 'deny', Precedence: 8, Type: 'consul' },
  ],
  CreateIndex: 5,
  ModifyIndex: 7,
};

describe('legacy intentions and service-intentions entries', () => {
  it('each source is one legacy intention', () => {
    const list = intentionsFromEntry(entry);
    expect(list.map(label)).toEqual(['web→api', 'admin→api', '*→api']);
    expect(list[0]).toMatchObject({ ID: 'id-1', SourceNS: 'default', DestinationNS: 'default', Action: 'allow', Precedence: 9, Meta: { team: 'a' }, CreatedAt: '2024-01-01T00:00:00Z', UpdatedAt: '2024-01-02T00:00:00Z', CreateIndex: 5, ModifyIndex: 7, Description: 'web may call' });
    // An L7 intention reports an empty Action, as Consul does.
    expect(list[1]).toMatchObject({ ID: '', Action: '', Permissions: [{ Action: 'allow', HTTP: { PathPrefix: '/admin' } }] });
  });

  it('round trip: intention → source → intention', () => {
    for (const i of intentionsFromEntry(entry)) {
      const { destination, source } = sourceFromIntention(i);
      expect(destination).toEqual({ name: 'api' });
      const back = intentionsFromEntry({ ...entry, Sources: [source] })[0];
      expect(back).toEqual(i);
    }
  });

  it('upsert replaces by LegacyID, adds new sources, keeps precedence order, and validates', () => {
    const changed = { ...ixn('web', 'api', 'deny'), ID: 'id-1', CreatedAt: 't0', UpdatedAt: 't1' };
    const e1 = upsertLegacyIntention(entry, changed);
    expect(e1.Sources.map((s) => [s.Name, s.Action ?? 'L7'])).toEqual([['web', 'deny'], ['admin', 'L7'], ['*', 'deny']]);
    const e2 = upsertLegacyIntention(e1, { ...ixn('db', 'api', 'allow'), ID: 'id-2', CreatedAt: 't', UpdatedAt: 't' });
    expect(e2.Sources.map((s) => s.Name)).toEqual(['web', 'admin', 'db', '*']);
    expect(entry.Sources[0]?.Action).toBe('allow'); // input untouched
    const fresh = upsertLegacyIntention(undefined, { ...ixn('web', 'billing', 'allow'), ID: 'id-3', CreatedAt: 't', UpdatedAt: 't' });
    expect(validateServiceIntentions(fresh, { legacy: true }).ok).toBe(true);
    expect(fresh).toMatchObject({ Kind: 'service-intentions', Name: 'billing', Sources: [{ Name: 'web', LegacyID: 'id-3', Precedence: 9 }] });
  });

  it('remove by LegacyID; the entry goes away with its last source', () => {
    const e = removeLegacyIntention(entry, 'id-1');
    expect(e?.Sources.map((s) => s.Name)).toEqual(['admin', '*']);
    const only = upsertLegacyIntention(undefined, { ...ixn('web', 'db', 'allow'), ID: 'x' });
    expect(removeLegacyIntention(only, 'x')).toBeUndefined();
  });

  it('intentionsFromEntries sorts across entries in evaluation order', () => {
    const other: ServiceIntentionsEntry = { Kind: 'service-intentions', Name: '*', Sources: [{ Name: 'web', Action: 'allow', Precedence: 6, Type: 'consul' }] };
    expect(intentionsFromEntries([other, entry]).map(label)).toEqual(['admin→api', 'web→api', '*→api', 'web→*']);
  });

  it('a source without a namespace inherits its destination namespace', () => {
    const e: ServiceIntentionsEntry = { Kind: 'service-intentions', Name: 'api', Namespace: 'team', Sources: [{ Name: 'web', Action: 'allow', Precedence: 9, Type: 'consul' }] };
    expect(intentionsFromEntry(e)[0]).toMatchObject({ SourceNS: 'team', DestinationNS: 'team' });
  });
});
