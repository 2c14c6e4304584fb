/**
 * The mesh a benchmark builds: S services × I instances, each instance with
 * a sidecar proxy that has U upstreams (other services, picked by a seeded
 * PRNG), spread over nodes of a fixed size. Instance addresses are in the
 * loopback range: they are catalog data only, nothing ever dials them.
 */
import type { CatalogOp } from '../../catalog/index.ts';
import { randomInt, seededRandom } from './prng.ts';

/** The shape of the mesh. */
export interface MeshShape {
  services: number;
  instancesPerService: number;
  upstreamsPerProxy: number;
  /** Instances registered on one catalog node. */
  instancesPerNode: number;
  seed: number;
}

/** One service instance and its sidecar. */
export interface PlannedInstance {
  service: string;
  /** The application's service ID. */
  id: string;
  /** The sidecar's service ID: the Envoy node.id. */
  proxyId: string;
  node: string;
  address: string;
  port: number;
  sidecarPort: number;
  /** Upstream service names, distinct, never the instance's own service. */
  upstreams: string[];
  /** The ID of the instance's externally managed health check. */
  checkId: string;
}

/** A planned mesh: instances in registration order, and who depends on which service. */
export interface MeshPlan {
  shape: MeshShape;
  services: string[];
  instances: PlannedInstance[];
  /** service → proxy IDs that list it as an upstream. */
  dependents: Map<string, string[]>;
}

const APP_PORT = 8080;
const SIDECAR_PORT = 21000;
const UPSTREAM_PORT_BASE = 10000;

/** The name of service number `i`. */
export function serviceName(i: number): string {
  return `svc-${String(i).padStart(5, '0')}`;
}

/** A loopback address for instance number `n` (127.1.0.1 upwards). */
export function instanceAddress(n: number): string {
  const k = n + 1;
  return `127.${1 + ((k >> 16) & 0x3f)}.${(k >> 8) & 0xff}.${k & 0xff}`;
}

/** Plans the mesh; throws naming the field when the shape cannot be built. */
export function planMesh(shape: MeshShape): MeshPlan {
  for (const k of ['services', 'instancesPerService', 'instancesPerNode'] as const) {
    if (!Number.isInteger(shape[k]) || shape[k] < 1) throw new Error(`${k}: must be a positive integer, got ${shape[k]}`);
  }
  if (!Number.isInteger(shape.upstreamsPerProxy) || shape.upstreamsPerProxy < 0) {
    throw new Error(`upstreamsPerProxy: must be a non-negative integer, got ${shape.upstreamsPerProxy}`);
  }
  if (shape.upstreamsPerProxy > shape.services - 1) {
    throw new Error(`upstreamsPerProxy: ${shape.upstreamsPerProxy} needs at least ${shape.upstreamsPerProxy + 1} services, got ${shape.services}`);
  }
  const random = seededRandom(shape.seed);
  const services = Array.from({ length: shape.services }, (_, i) => serviceName(i));
  const instances: PlannedInstance[] = [];
  const dependents = new Map<string, string[]>(services.map((s) => [s, []]));
  for (let i = 0; i < shape.instancesPerService; i++) {
    for (let s = 0; s < shape.services; s++) {
      const n = instances.length;
      const service = services[s] as string;
      const id = `${service}-${i}`;
      const picked = new Set<number>();
      while (picked.size < shape.upstreamsPerProxy) {
        const u = randomInt(random, shape.services);
        if (u !== s) picked.add(u);
      }
      const inst: PlannedInstance = {
        service,
        id,
        proxyId: `${id}-sidecar-proxy`,
        node: `node-${String(Math.floor(n / shape.instancesPerNode)).padStart(5, '0')}`,
        address: instanceAddress(n),
        port: APP_PORT,
        sidecarPort: SIDECAR_PORT,
        upstreams: [...picked].map((u) => services[u] as string),
        checkId: `service:${id}`,
      };
      for (const u of inst.upstreams) dependents.get(u)?.push(inst.proxyId);
      instances.push(inst);
    }
  }
  return { shape, services, instances, dependents };
}

/** The catalog node an instance lives on. */
export function nodeOps(plan: MeshPlan): CatalogOp[] {
  const seen = new Set<string>();
  const ops: CatalogOp[] = [];
  for (const inst of plan.instances) {
    if (seen.has(inst.node)) continue;
    seen.add(inst.node);
    ops.push({ op: 'upsertNode', node: { Node: inst.node, Address: inst.address, Datacenter: 'dc1', TaggedAddresses: {}, Meta: {} } });
  }
  return ops;
}

/** The ops that register one instance: the application, its check, and its sidecar with upstreams. */
export function instanceOps(inst: PlannedInstance): CatalogOp[] {
  return [
    {
      op: 'upsertService',
      node: inst.node,
      service: { ID: inst.id, Service: inst.service, Tags: [], Address: inst.address, Port: inst.port, Meta: {}, Weights: { Passing: 1, Warning: 1 } },
    },
    {
      op: 'upsertCheck',
      check: {
        Node: inst.node,
        CheckID: inst.checkId,
        Name: `${inst.service} health`,
        Status: 'passing',
        Notes: '',
        Output: '',
        ServiceID: inst.id,
        ServiceName: inst.service,
        ServiceTags: [],
        Type: '',
        Definition: {},
      },
    },
    {
      op: 'upsertService',
      node: inst.node,
      service: {
        ID: inst.proxyId,
        Service: `${inst.service}-sidecar-proxy`,
        Kind: 'connect-proxy',
        Tags: [],
        Address: inst.address,
        Port: inst.sidecarPort,
        Meta: {},
        Weights: { Passing: 1, Warning: 1 },
        Proxy: {
          DestinationServiceName: inst.service,
          DestinationServiceID: inst.id,
          LocalServiceAddress: '127.0.0.1',
          LocalServicePort: inst.port,
          Upstreams: inst.upstreams.map((u, k) => ({ DestinationName: u, LocalBindAddress: '127.0.0.1', LocalBindPort: UPSTREAM_PORT_BASE + k })),
        },
      },
    },
  ];
}

/**
 * The same instance as a `PUT /v1/catalog/register` body for its application
 * (with its check), and one for its sidecar. With `node`, both bodies carry
 * that node's address and `SkipNodeUpdate`, so registering into an existing
 * node never rewrites it (a node write touches every service on the node).
 */
export function catalogRegisterBodies(inst: PlannedInstance, node?: { address: string }): [Record<string, unknown>, Record<string, unknown>] {
  const [app, check, sidecar] = instanceOps(inst) as [
    Extract<CatalogOp, { op: 'upsertService' }>,
    Extract<CatalogOp, { op: 'upsertCheck' }>,
    Extract<CatalogOp, { op: 'upsertService' }>,
  ];
  const c = check.check;
  const nodePart = node ? { Node: inst.node, Address: node.address, SkipNodeUpdate: true } : { Node: inst.node, Address: inst.address };
  return [
    { ...nodePart, Service: app.service, Check: { CheckID: c.CheckID, Name: c.Name, Status: c.Status, ServiceID: c.ServiceID } },
    { Node: inst.node, Address: node?.address ?? inst.address, SkipNodeUpdate: true, Service: sidecar.service },
  ];
}

/** The address the plan gives an instance's catalog node (its first instance's, as `nodeOps` writes it). */
export function plannedNodeAddress(plan: MeshPlan, inst: PlannedInstance): string {
  return plan.instances.find((i) => i.node === inst.node)?.address ?? inst.address;
}

/**
 * A `PUT /v1/catalog/register` body that sets the instance's check to
 * `status` and changes nothing else: the node is not rewritten
 * (`SkipNodeUpdate`), no service is named, the check keeps its ID, name and
 * service, as `instanceOps` registered it.
 */
export function checkStatusBody(inst: PlannedInstance, status: 'passing' | 'warning' | 'critical', nodeAddress: string): Record<string, unknown> {
  const [, check] = instanceOps(inst) as [unknown, Extract<CatalogOp, { op: 'upsertCheck' }>];
  const c = check.check;
  return { Node: inst.node, Address: nodeAddress, SkipNodeUpdate: true, Check: { CheckID: c.CheckID, Name: c.Name, Status: status, ServiceID: c.ServiceID } };
}

/**
 * The `k`-th instance the churn scenario registers: a new instance of
 * `service` (no upstreams, nobody simulates its sidecar), on churn nodes of
 * the plan's node size. `nodeAddress` is the same for every instance of a
 * node, so whichever registration creates the node writes the same content.
 */
export function churnInstance(plan: MeshPlan, k: number, service: string): { inst: PlannedInstance; nodeAddress: string } {
  const perNode = plan.shape.instancesPerNode;
  const base = plan.instances.length;
  const id = `${service}-churn-${k}`;
  return {
    inst: {
      service,
      id,
      proxyId: `${id}-sidecar-proxy`,
      node: `churn-node-${Math.floor(k / perNode)}`,
      address: instanceAddress(base + k),
      port: APP_PORT,
      sidecarPort: SIDECAR_PORT,
      upstreams: [],
      checkId: `service:${id}`,
    },
    nodeAddress: instanceAddress(base + k - (k % perNode)),
  };
}
