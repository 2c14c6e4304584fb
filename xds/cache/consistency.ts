/**
 * Before a snapshot is published: does every endpoint set a cluster uses, and
 * every route configuration a listener uses, exist in it? A proxy given a
 * dangling name waits for a resource that never comes.
 */
import type { NodeSnapshot } from './snapshot-cache.ts';
import { TYPE_SHORT_NAMES } from '../type-urls.ts';

/** Lists every dangling reference as `Cluster "web" needs endpoints "web"`; empty when consistent. */
export function snapshotConsistencyErrors(snapshot: NodeSnapshot): string[] {
  const errors: string[] = [];
  for (const byName of snapshot.values()) {
    for (const r of byName.values()) {
      if (!r.dependents) continue;
      const targets = snapshot.get(r.dependents.typeUrl);
      for (const name of r.dependents.names) {
        if (!targets?.has(name)) {
          const kind = r.typeUrl.slice(r.typeUrl.lastIndexOf('.') + 1);
          errors.push(`${kind} "${r.name}" needs ${TYPE_SHORT_NAMES[r.dependents.typeUrl]} "${name}", which is not in the snapshot`);
        }
      }
    }
  }
  return errors.sort();
}
