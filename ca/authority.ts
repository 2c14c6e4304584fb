/**
 * The certificate authority: initialises itself on first start, keeps its
 * roots in a CAStateStore, rotates them when the key settings change, and
 * signs leaf certificates with the active root.
 *
 * Rotation, and why old-root peers keep accepting new leaves: the new root is
 * also signed by the old root's key ("cross-signed": the new root's subject
 * and public key, issued by the old root). That certificate is listed in the
 * new root's IntermediateCerts and sent after every new leaf in CertPEM, so a
 * peer that still trusts only the old root builds leaf → cross-signed → old
 * root, and a peer that already has the new root builds leaf → new root.
 * The old root stays in the trusted list until every leaf it signed has
 * expired (rotation time + the longest leaf TTL it signed with); pruning
 * then drops it and the cross-signed certificate with it.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { leafTtlMs, validateCAConfiguration, defaultCAConfiguration, type CAConfiguration, type ConfigProblem } from './config.ts';
import { randomSerialSource, serialToColonHex, type SerialSource } from './ids.ts';
import { generateLeafKey } from './keys.ts';
import { buildLeafCertificate, createLeafSigner, type LeafSigner } from './leaf-cert.ts';
import { BACKDATE_MS, crossSign, floorToSecond, keySpecOf, makeRoot, rfc3339 } from './root.ts';
import {
  activeRoot,
  cloneState,
  configurationView,
  parseState,
  rootListView,
  type PersistedCAState,
} from './state.ts';
import type { CAStateStore } from './store.ts';
import type { CAChangeEvent, CAConfigurationView, CARootList, IssuedLeaf } from './types.ts';
import { toPem } from './pem.ts';

/** Thrown for a configuration that fails validation; `problems` name the fields. */
export class CAConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('; '));
    this.name = 'CAConfigError';
  }
}

/** What a CA needs to run. */
export interface CertificateAuthorityOptions {
  store: CAStateStore;
  /** Datacenter written into leaf SPIFFE IDs; `dc1` by default. */
  datacenter?: string;
  /** Configuration used only when the store holds no CA yet. */
  initialConfig?: unknown;
  now?: () => Date;
  serials?: SerialSource;
  /** Source of the cluster id on first start. */
  newClusterId?: () => string;
  logger?: Logger;
  /** How often to prune expired roots (ms); 0 disables the timer (tests call pruneExpiredRoots). Default 60 s. */
  maintenanceIntervalMs?: number;
}

/** Who a leaf is for. */
export interface LeafRequest {
  namespace?: string;
  datacenter?: string;
}

const MAX_CAS_ATTEMPTS = 8;
const SERVICE_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,252})$/;

/** True when `name` can be put in a SPIFFE ID and a DNS SAN as it is. */
export const isValidServiceName = (name: string): boolean => SERVICE_NAME.test(name);

/** The built-in CA. Create with `openCertificateAuthority`. */
export class CertificateAuthority {
  private state!: PersistedCAState;
  private stateIndex = 0;
  private readonly signers = new Map<string, LeafSigner>();
  private readonly listeners = new Set<(e: CAChangeEvent) => void>();
  private writeChain: Promise<unknown> = Promise.resolve();
  private unwatch: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => Date;
  private readonly serials: SerialSource;
  readonly datacenter: string;

  private constructor(private readonly opts: CertificateAuthorityOptions) {
    this.now = opts.now ?? (() => new Date());
    this.serials = opts.serials ?? randomSerialSource;
    this.datacenter = opts.datacenter ?? 'dc1';
  }

  /** Loads the CA from its store, initialising it (cluster id, first root) if the store is empty. */
  static async open(opts: CertificateAuthorityOptions): Promise<CertificateAuthority> {
    const ca = new CertificateAuthority(opts);
    await ca.initialise();
    ca.unwatch = opts.store.watch(() => void ca.refresh().catch((err) => ca.opts.logger?.error({ err }, 'CA state reload failed')));
    const every = opts.maintenanceIntervalMs ?? 60_000;
    if (every > 0) {
      ca.timer = setInterval(() => void ca.pruneExpiredRoots().catch((err) => ca.opts.logger?.error({ err }, 'CA root pruning failed')), every);
      ca.timer.unref();
    }
    return ca;
  }

  /** The cluster id (UUID) chosen at first start. */
  get clusterId(): string {
    return this.state.clusterId;
  }

  /** `<cluster-id>.consul`. */
  get trustDomain(): string {
    return this.state.trustDomain;
  }

  /** The CA state's modify index (X-Consul-Index of roots and configuration). */
  index(): number {
    return this.stateIndex;
  }

  /** The ID of the root that signs new leaves. */
  activeRootId(): string {
    return this.state.activeRootId;
  }

  /** Trusted roots in Consul's `/v1/connect/ca/roots` shape (no private keys). */
  roots(): CARootList {
    return rootListView(this.state);
  }

  /** Every trusted root certificate, concatenated PEM (`?pem=true`). */
  rootsPem(): string {
    return this.state.roots.map((r) => r.certPem.trimEnd() + '\n').join('');
  }

  /** The current configuration in Consul's shape. */
  configuration(): CAConfigurationView {
    return configurationView(this.state);
  }

  /** Leaf lifetime in force, in ms. */
  leafTtlMs(): number {
    return leafTtlMs(this.state.config);
  }

  /** SPIFFE ID of a service in this trust domain. */
  serviceUri(service: string, req: LeafRequest = {}): string {
    return `spiffe://${this.trustDomain}/ns/${req.namespace ?? 'default'}/dc/${req.datacenter ?? this.datacenter}/svc/${service}`;
  }

  /** Calls `listener` after every change of the CA state; returns the unsubscribe function. */
  subscribe(listener: (e: CAChangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Validates and applies a configuration (Consul's PUT body). A change of key
   * type or size makes a new root (cross-signed unless ForceWithoutCrossSigning);
   * other changes keep the root. Throws CAConfigError naming the bad fields.
   */
  async setConfiguration(input: unknown): Promise<void> {
    const result = validateCAConfiguration(input);
    if (!result.ok) throw new CAConfigError(result.errors);
    const config = result.value;
    await this.write(async (s) => {
      const current = activeRoot(s);
      const rotate = current.keyType !== config.Config.PrivateKeyType || current.keyBits !== config.Config.PrivateKeyBits;
      s.config = config;
      s.configModifyIndex = 0;
      current.maxLeafTtlMs = Math.max(current.maxLeafTtlMs, leafTtlMs(config));
      if (rotate) await this.rotateInto(s, config.ForceWithoutCrossSigning);
      return s;
    });
  }

  /** Replaces the active root with a new one of the same settings (cross-signed unless told otherwise). */
  async rotate(opts: { forceWithoutCrossSigning?: boolean } = {}): Promise<void> {
    await this.write(async (s) => {
      await this.rotateInto(s, opts.forceWithoutCrossSigning ?? false);
      return s;
    });
  }

  /** Drops rotated-out roots whose leaves have all expired; true if any was dropped. */
  async pruneExpiredRoots(): Promise<boolean> {
    let pruned = false;
    await this.write(async (s) => {
      const now = this.now().getTime();
      const expired = new Set(
        s.roots.filter((r) => r.id !== s.activeRootId && r.pruneAfter !== undefined && Date.parse(r.pruneAfter) <= now).map((r) => r.id),
      );
      if (expired.size === 0) return undefined;
      s.roots = s.roots.filter((r) => !expired.has(r.id));
      for (const r of s.roots) {
        const kept = r.intermediates.filter((i) => !expired.has(i.signerId));
        if (kept.length !== r.intermediates.length) {
          r.intermediates = kept;
          r.modifyIndex = 0;
        }
      }
      pruned = true;
      return s;
    });
    return pruned;
  }

  /**
   * Issues a leaf for `service` signed by the active root: SPIFFE URI SAN,
   * DNS SAN of the service name, server+client auth, valid from one minute
   * ago for LeafCertTTL. The private key is made here and returned with it.
   */
  async issueLeafCertificate(service: string, req: LeafRequest = {}): Promise<IssuedLeaf> {
    if (!isValidServiceName(service)) throw new Error(`service: invalid service name ${JSON.stringify(service)}`);
    const spec = keySpecOf(this.state.config);
    const key = await generateLeafKey(spec);
    // Read the root after the (possibly slow) key generation, so the leaf is signed by whatever is active now.
    const root = activeRoot(this.state);
    const signer = this.signerFor(root.id);
    const issuedAt = this.now();
    const start = floorToSecond(issuedAt);
    const validAfter = new Date(start.getTime() - BACKDATE_MS);
    const validBefore = new Date(Math.min(start.getTime() + leafTtlMs(this.state.config), signer.notAfter.getTime()));
    const serial = this.serials();
    const uri = this.serviceUri(service, req);
    const certDer = buildLeafCertificate(signer, {
      serial,
      commonName: service,
      uri,
      dnsName: service,
      spki: key.spki,
      keyType: spec.type,
      notBefore: validAfter,
      notAfter: validBefore,
    });
    const chain = [toPem('CERTIFICATE', certDer), ...root.intermediates.map((i) => i.pem.trimEnd() + '\n')].join('');
    return {
      cert: {
        SerialNumber: serialToColonHex(serial),
        CertPEM: chain,
        PrivateKeyPEM: key.privateKeyPem,
        Service: service,
        ServiceURI: uri,
        ValidAfter: rfc3339(validAfter),
        ValidBefore: rfc3339(validBefore),
        CreateIndex: this.stateIndex,
        ModifyIndex: this.stateIndex,
      },
      signingRootId: root.id,
      issuedAt,
      validAfter,
      validBefore,
    };
  }

  /** Stops the timers and the store watch. */
  close(): void {
    this.unwatch?.();
    if (this.timer) clearInterval(this.timer);
    this.listeners.clear();
  }

  private signerFor(rootId: string): LeafSigner {
    let signer = this.signers.get(rootId);
    if (!signer) {
      const root = this.state.roots.find((r) => r.id === rootId);
      if (!root) throw new Error(`unknown root ${rootId}`);
      signer = createLeafSigner(root.certPem, root.privateKeyPem, { type: root.keyType, bits: root.keyBits });
      this.signers.set(rootId, signer);
    }
    return signer;
  }

  /** Makes a new active root in `s` (a writable copy), retiring the current one. */
  private async rotateInto(s: PersistedCAState, withoutCrossSigning: boolean): Promise<void> {
    const now = this.now();
    const old = activeRoot(s);
    const next = await makeRoot({ config: s.config, clusterId: s.clusterId, trustDomain: s.trustDomain, serial: this.serials(), now });
    if (!withoutCrossSigning) {
      const pem = await crossSign({ newRoot: next, oldRoot: old, trustDomain: s.trustDomain, serial: this.serials(), now });
      next.intermediates.push({ pem, signerId: old.id });
    }
    old.rotatedOutAt = rfc3339(now);
    old.pruneAfter = new Date(now.getTime() + old.maxLeafTtlMs).toISOString();
    old.modifyIndex = 0;
    s.roots.push(next);
    s.activeRootId = next.id;
    this.opts.logger?.info({ oldRoot: old.id, newRoot: next.id, crossSigned: !withoutCrossSigning }, 'CA root rotated');
  }

  private async initialise(): Promise<void> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const rec = await this.opts.store.get();
      if (rec) {
        this.load(rec.value, rec.modifyIndex);
        return;
      }
      const validated = this.opts.initialConfig === undefined ? undefined : validateCAConfiguration(this.opts.initialConfig);
      if (validated && !validated.ok) throw new CAConfigError(validated.errors);
      const config: CAConfiguration = validated?.ok ? validated.value : defaultCAConfiguration();
      const clusterId = (this.opts.newClusterId ?? randomUUID)();
      const trustDomain = `${clusterId}.consul`;
      const root = await makeRoot({ config, clusterId, trustDomain, serial: this.serials(), now: this.now() });
      const state: PersistedCAState = {
        version: 1,
        clusterId,
        trustDomain,
        activeRootId: root.id,
        config,
        configCreateIndex: 0,
        configModifyIndex: 0,
        roots: [root],
      };
      // Another server may initialise at the same moment: the first write wins and the other adopts it.
      if (await this.opts.store.cas(JSON.stringify(state), 0)) {
        this.opts.logger?.info({ clusterId, root: root.id }, 'CA initialised');
      }
    }
    throw new Error('CA initialisation: the state store kept changing; gave up');
  }

  /** Runs `mutate` on a copy of the freshest state and stores it with CAS, retrying on conflict; one writer at a time. */
  private write(mutate: (s: PersistedCAState) => Promise<PersistedCAState | undefined>): Promise<void> {
    const run = async (): Promise<void> => {
      for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
        const rec = await this.opts.store.get();
        if (!rec) throw new Error('CA state disappeared from the store');
        const next = await mutate(cloneState(parseState(rec.value, rec.modifyIndex)));
        if (!next) {
          this.load(rec.value, rec.modifyIndex);
          return;
        }
        if (await this.opts.store.cas(JSON.stringify(next), rec.modifyIndex)) {
          await this.refresh();
          return;
        }
      }
      throw new Error('CA state write: too many concurrent changes; gave up');
    };
    const result = this.writeChain.then(run, run);
    this.writeChain = result.catch(() => undefined);
    return result;
  }

  private async refresh(): Promise<void> {
    const rec = await this.opts.store.get();
    if (rec && rec.modifyIndex > this.stateIndex) this.load(rec.value, rec.modifyIndex);
  }

  private load(text: string, index: number): void {
    if (index <= this.stateIndex) return;
    const previousActive = this.stateIndex === 0 ? undefined : this.state.activeRootId;
    this.state = parseState(text, index);
    this.stateIndex = index;
    for (const id of this.signers.keys()) if (!this.state.roots.some((r) => r.id === id)) this.signers.delete(id);
    if (previousActive === undefined) return;
    const event: CAChangeEvent = {
      index,
      activeRootId: this.state.activeRootId,
      activeRootChanged: previousActive !== this.state.activeRootId,
    };
    for (const l of [...this.listeners]) l(event);
  }
}

/** Opens (and on first start initialises) the CA over `opts.store`. */
export const openCertificateAuthority = (opts: CertificateAuthorityOptions): Promise<CertificateAuthority> =>
  CertificateAuthority.open(opts);
