/** service-splitter: weighted traffic split between services or subsets. */
import { readHeaderModifiers } from './common-fields.ts';
import { compact, type EntryReader, type JsonObject } from './reader.ts';
import type { ServiceSplit, ServiceSplitterEntry } from './types.ts';

export const SERVICE_SPLITTER_FIELDS = ['Splits'] as const;

/** Formats a weight sum without float noise (33.33 + 66.67 → "100"). */
function formatWeight(w: number): string {
  return String(Math.round(w * 100) / 100);
}

/** Reads the kind-specific fields of a service-splitter entry; weights have 0.01 precision and must sum to 100. */
export function readServiceSplitter(r: EntryReader, obj: JsonObject, name: string): Omit<ServiceSplitterEntry, 'Kind' | 'Name'> {
  let weightsOk = true;
  const splits =
    r.array(obj, 'Splits', '', (item, p): ServiceSplit | undefined => {
      const s = r.struct(item, p, ['Weight', 'Service', 'ServiceSubset', 'Namespace', 'Partition', 'RequestHeaders', 'ResponseHeaders']);
      if (!s) return undefined;
      let weight = r.number(s, 'Weight', p, { min: 0, max: 100 });
      if (s['Weight'] === undefined) r.error(`${p}.Weight`, 'is required');
      if (weight !== undefined && Math.abs(weight * 100 - Math.round(weight * 100)) > 1e-6) {
        r.error(`${p}.Weight`, `${weight} has more than two decimals; weights have a precision of 0.01`);
        weight = undefined;
      }
      if (weight === undefined) weightsOk = false;
      return compact({
        Weight: weight ?? 0,
        Service: r.string(s, 'Service', p),
        ServiceSubset: r.string(s, 'ServiceSubset', p),
        Namespace: r.string(s, 'Namespace', p),
        Partition: r.string(s, 'Partition', p),
        RequestHeaders: readHeaderModifiers(r, s, 'RequestHeaders', p),
        ResponseHeaders: readHeaderModifiers(r, s, 'ResponseHeaders', p),
      });
    }) ?? [];
  if (obj['Splits'] === undefined || splits.length === 0) {
    r.error('Splits', 'must list at least one split');
    return { Splits: splits };
  }
  if (weightsOk) {
    const sumCents = splits.reduce((sum, s) => sum + Math.round(s.Weight * 100), 0);
    if (sumCents !== 10000) r.error('', `Splits weights sum to ${formatWeight(sumCents / 100)}, they must sum to 100`);
  }
  // Two splits to the same place would be one split with the sum of their weights.
  const seen = new Map<string, number>();
  splits.forEach((s, i) => {
    const key = `${s.ServiceSubset ?? ''}.${s.Service || name}.${s.Namespace || 'default'}`;
    const first = seen.get(key);
    if (first !== undefined) r.error(`Splits[${i}]`, `goes to the same service and subset as Splits[${first}]; merge them into one split`);
    else seen.set(key, i);
  });
  return { Splits: splits };
}
