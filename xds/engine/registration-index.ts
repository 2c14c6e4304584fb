/**
 * Where each proxy's own registration is: the catalog node it is on and its
 * service name. A change event names the nodes and the services it touched,
 * so a proxy is concerned when its node and its service are both named (a
 * write of the node itself names every service on it). A new instance of the
 * same service on another node is not a change of this proxy.
 */
import type { ChangeEvent } from '../../catalog/index.ts';

/** A proxy's own registration: its node and service name. */
export interface RegistrationPlace {
  node: string;
  service: string;
}

/** Proxy → where its registration is, and node → the proxies registered on it. */
export class RegistrationIndex {
  private readonly placeOf = new Map<string, RegistrationPlace>();
  private readonly onNode = new Map<string, Set<string>>();

  /** Files a proxy under the node its registration was found on; undefined (not found, forgotten) removes it. */
  place(proxyId: string, at: RegistrationPlace | undefined): void {
    const before = this.placeOf.get(proxyId);
    if (before?.node === at?.node && before?.service === at?.service) return;
    if (before) {
      const ids = this.onNode.get(before.node);
      ids?.delete(proxyId);
      if (ids?.size === 0) this.onNode.delete(before.node);
    }
    if (!at) {
      this.placeOf.delete(proxyId);
      return;
    }
    this.placeOf.set(proxyId, at);
    let ids = this.onNode.get(at.node);
    if (!ids) this.onNode.set(at.node, (ids = new Set()));
    ids.add(proxyId);
  }

  /** Calls `visit` for each proxy whose own registration the change may have written. */
  affected(ev: ChangeEvent, visit: (proxyId: string) => void): void {
    for (const node of ev.nodes) {
      for (const id of this.onNode.get(node) ?? []) {
        const at = this.placeOf.get(id);
        if (at && ev.services.has(at.service)) visit(id);
      }
    }
  }
}
