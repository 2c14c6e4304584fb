/**
 * Topics name what a reader depends on. Every committed change bumps the
 * index of each topic it touched; a blocking reader waits on the topics of its
 * result and its result's index is the highest index among them.
 */
import type { ChangeEvent } from './types.ts';

export const topic = {
  node: (name: string): string => `node:${name}`,
  service: (name: string): string => `service:${name}`,
  connect: (name: string): string => `connect:${name}`,
  configEntry: (kind: string, name: string): string => `config:${kind}/${name}`,
  configKind: (kind: string): string => `config-kind:${kind}`,
  keyMaterial: (key: string): string => `key:${key}`,
  /** Any change to a whole table (lists of nodes, of service names, of checks, of config entries). */
  table: (t: string): string => `table:${t}`,
} as const;

/** Every topic a change event touched, each once. */
export function topicsOfEvent(ev: ChangeEvent): string[] {
  const out: string[] = [];
  for (const n of ev.nodes) out.push(topic.node(n));
  for (const s of ev.services) out.push(topic.service(s));
  for (const s of ev.connect) out.push(topic.connect(s));
  const kinds = new Set<string>();
  for (const kn of ev.configEntries) {
    const slash = kn.indexOf('/');
    kinds.add(kn.slice(0, slash));
    out.push(topic.configEntry(kn.slice(0, slash), kn.slice(slash + 1)));
  }
  for (const k of kinds) out.push(topic.configKind(k));
  for (const k of ev.keyMaterial) out.push(topic.keyMaterial(k));
  for (const t of ev.tables) out.push(topic.table(t));
  return out;
}
