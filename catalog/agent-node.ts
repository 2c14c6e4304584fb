/** The server's own node: registered at start so agent registrations have a node to live on. */
import type { CatalogStore } from './store.ts';

/** Who the agent is: its node name, address and datacenter. */
export interface AgentIdentity {
  node: string;
  address: string;
  datacenter: string;
}

export const SERF_HEALTH_CHECK_ID = 'serfHealth';

/** Registers (or refreshes) the agent's node and its passing node-health check. */
export async function registerAgentNode(store: CatalogStore, who: AgentIdentity): Promise<void> {
  const existing = store.getNode(who.node);
  const r = await store.apply([
    {
      op: 'upsertNode',
      node: {
        Node: who.node,
        ...(existing?.ID ? { ID: existing.ID } : {}),
        Address: who.address,
        Datacenter: who.datacenter,
        TaggedAddresses: existing?.TaggedAddresses ?? { lan: who.address, wan: who.address },
        Meta: existing?.Meta ?? { 'consul-network-segment': '' },
      },
    },
    {
      op: 'upsertCheck',
      check: {
        Node: who.node,
        CheckID: SERF_HEALTH_CHECK_ID,
        Name: 'Serf Health Status',
        Status: 'passing',
        Notes: '',
        Output: 'Agent alive and reachable',
        ServiceID: '',
        ServiceName: '',
        ServiceTags: [],
        Type: 'serf',
        Definition: {},
      },
    },
  ]);
  if (!r.ok) throw new Error(`registering the agent node failed: ${r.message}`);
}
