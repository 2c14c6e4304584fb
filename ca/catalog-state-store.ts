/** The CA's persistence over the catalog store's CA record (compare-and-swap, change events). */
import type { CatalogStore } from '../catalog/index.ts';
import type { CAStateStore, StoredRecord } from './store.ts';

/** Adapts the catalog store's CA key-material record to CAStateStore. */
export function catalogCAStateStore(store: CatalogStore): CAStateStore {
  return {
    get(): StoredRecord | undefined {
      const r = store.getCAState();
      return r ? { value: r.value, modifyIndex: r.modifyIndex } : undefined;
    },
    cas(value, expectedModifyIndex): Promise<boolean> {
      return store.casCAState(value, expectedModifyIndex);
    },
    watch(listener): () => void {
      return store.subscribe((ev) => {
        if (ev.ca) listener();
      });
    },
  };
}
