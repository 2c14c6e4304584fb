/** An array-backed DnsCatalog for tests: health and connect filtering done the way the real store must. */
import type { DnsCatalog, DnsInstance, DnsNode } from '../../dns/index.ts';

export interface TestInstance {
  service: string;
  node: string;
  nodeAddress: string;
  serviceAddress?: string;
  port: number;
  tags?: string[];
  status?: 'passing' | 'warning' | 'critical';
  /** A sidecar proxy of this service (kind connect-proxy). */
  proxyFor?: string;
  connectNative?: boolean;
}

export class ArrayCatalog implements DnsCatalog {
  readonly instances: TestInstance[] = [];
  readonly nodes: DnsNode[] = [];

  add(...instances: TestInstance[]): this {
    for (const inst of instances) {
      this.instances.push(inst);
      if (!this.nodes.some((n) => n.Node === inst.node)) this.nodes.push({ Node: inst.node, Address: inst.nodeAddress });
    }
    return this;
  }

  serviceInstances(service: string, opts: { tag?: string; connect?: boolean }): DnsInstance[] {
    const wanted = service.toLowerCase();
    return this.instances
      .filter((i) => i.status !== 'critical')
      .filter((i) =>
        opts.connect
          ? i.proxyFor?.toLowerCase() === wanted || (i.connectNative === true && i.service.toLowerCase() === wanted)
          : i.proxyFor === undefined && i.service.toLowerCase() === wanted,
      )
      .filter((i) => opts.tag === undefined || (i.tags ?? []).some((t) => t.toLowerCase() === opts.tag?.toLowerCase()))
      .map((i) => ({
        Node: i.node,
        NodeAddress: i.nodeAddress,
        ServiceAddress: i.serviceAddress ?? '',
        ServicePort: i.port,
        Tags: i.tags ?? [],
      }));
  }

  node(name: string): DnsNode | undefined {
    return this.nodes.find((n) => n.Node.toLowerCase() === name.toLowerCase());
  }
}
