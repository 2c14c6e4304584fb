/**
 * Resources as the simulated fleet receives them, shared by content: the
 * first proxy to receive some bytes decodes them; every later proxy that
 * receives the same bytes gets the same immutable `SharedResource` (its name
 * and version strings, its value, and — decoded once, on first use — what it
 * refers to or why it cannot be read).
 *
 * The key is the bytes themselves: a hash of them picks a bucket and a
 * comparison of all the bytes decides, so two resources share an entry only
 * when their bytes are equal. Nothing here trusts the server's version
 * strings (the server is what is under test): a version that names two
 * contents gives two entries, and each is checked on its own bytes.
 */
import { createHash } from 'node:crypto';
import type protobuf from 'protobufjs';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, messageType, ROUTE_TYPE, SECRET_TYPE } from '../../xds/index.ts';
import { refsOf, typeOfUrl, type ResourceRefs } from './resource-refs.ts';
import { hashBytes, hashEnds } from './byte-hash.ts';

/** What decoding a resource's content told: the names it refers to, or why Envoy would reject it. */
export type ContentCheck = { ok: true; refs: ResourceRefs } | { ok: false; error: string };

let nextId = 0;

/** One distinct resource (by its bytes) of one response type, shared by every proxy that received those bytes. */
export class SharedResource {
  /** A number of its own, small and dense (for bitmaps of what was seen). */
  readonly id = nextId++;
  private checked: ContentCheck | undefined;

  constructor(
    readonly typeUrl: string,
    readonly name: string,
    readonly version: string,
    /** The encoded resource (the `Any`'s value). */
    readonly value: Uint8Array,
    /** The `Any`'s own type URL, which must be the response's. */
    readonly anyTypeUrl: string,
    /** The bytes this entry stands for (the delta `Resource`, or the SotW `Any`'s value): the interning key. */
    readonly bytes: Buffer,
  ) {}

  /** The resource decoded with Envoy's protos, nested `Any`s too; done once for every proxy. */
  get content(): ContentCheck {
    if (!this.checked) {
      try {
        if (this.anyTypeUrl !== '' && this.anyTypeUrl !== this.typeUrl) throw new Error(`resource is a ${this.anyTypeUrl}`);
        this.checked = { ok: true, refs: refsOf(this.typeUrl, this.name, this.value) };
      } catch (err) {
        this.checked = { ok: false, error: `cannot decode ${this.typeUrl} "${this.name}": ${(err as Error).message}` };
      }
    }
    return this.checked;
  }
}

/** A bucket: a few entries, or, once it fills up, entries by a hash of all their bytes. */
type Bucket = SharedResource[] | Map<number, SharedResource[]>;

/** Entries a bucket holds before it is split by a hash of all the bytes. */
const BUCKET_SPLIT = 4;

/**
 * Entries by response type and a hash of their bytes; whether an entry
 * matches is decided by comparing all its bytes. The first hash reads only
 * the ends of the bytes (where the version, type and name lie), which is
 * enough to tell resources apart unless one name and version carry several
 * contents; a bucket where that happens is split by a hash of every byte.
 */
class InternTable {
  private readonly byType = new Map<string, Map<number, Bucket>>();

  /** The entry of `typeUrl` whose bytes equal raw[start, end) (and whose `Any` type is `anyTypeUrl`, if given), if any. */
  find(typeUrl: string, raw: Buffer, start: number, end: number, anyTypeUrl?: string): SharedResource | undefined {
    const bucket = this.byType.get(typeUrl)?.get(hashEnds(raw, start, end));
    if (bucket === undefined) return undefined;
    const list = Array.isArray(bucket) ? bucket : bucket.get(hashBytes(raw, start, end));
    if (list === undefined) return undefined;
    const len = end - start;
    for (const e of list) {
      if (e.bytes.length === len && raw.compare(e.bytes, 0, len, start, end) === 0 && (anyTypeUrl === undefined || e.anyTypeUrl === anyTypeUrl)) return e;
    }
    return undefined;
  }

  add(entry: SharedResource): void {
    let byKey = this.byType.get(entry.typeUrl);
    if (!byKey) this.byType.set(entry.typeUrl, (byKey = new Map()));
    const key = hashEnds(entry.bytes);
    const bucket = byKey.get(key);
    if (bucket === undefined) byKey.set(key, [entry]);
    else if (!Array.isArray(bucket)) addByFullHash(bucket, entry);
    else if (bucket.length < BUCKET_SPLIT) bucket.push(entry);
    else {
      const split = new Map<number, SharedResource[]>();
      for (const e of [...bucket, entry]) addByFullHash(split, e);
      byKey.set(key, split);
    }
  }

  clear(): void {
    this.byType.clear();
  }
}

function addByFullHash(into: Map<number, SharedResource[]>, entry: SharedResource): void {
  const full = hashBytes(entry.bytes);
  const list = into.get(full);
  if (list) list.push(entry);
  else into.set(full, [entry]);
}

const deltaTable = new InternTable();
const sotwTable = new InternTable();

interface RawResource {
  name?: string;
  version?: string;
  resource?: { type_url?: string; value?: Uint8Array } | null;
}

let resourceType: protobuf.Type | undefined;

/**
 * The shared entry for the delta `Resource` message at raw[start, end) of a
 * response of `typeUrl`. Throws if the `Resource` message itself does not
 * decode (the response cannot be read at all).
 */
export function sharedDeltaResource(typeUrl: string, raw: Buffer, start: number, end: number): SharedResource {
  const found = deltaTable.find(typeUrl, raw, start, end);
  if (found) return found;
  // A copy, so the entry does not keep the whole response buffer alive.
  const bytes = copyOf(raw, start, end);
  resourceType ??= messageType('envoy.service.discovery.v3.Resource');
  const m = resourceType.decode(bytes) as unknown as RawResource;
  const entry = new SharedResource(typeUrl, m.name ?? '', m.version ?? '', m.resource?.value ?? new Uint8Array(), m.resource?.type_url ?? '', bytes);
  deltaTable.add(entry);
  return entry;
}

const NAME_FIELD: Readonly<Record<string, string>> = {
  [CLUSTER_TYPE]: 'name',
  [LISTENER_TYPE]: 'name',
  [ROUTE_TYPE]: 'name',
  [SECRET_TYPE]: 'name',
  [ENDPOINT_TYPE]: 'cluster_name',
};

/**
 * The shared entry for a state-of-the-world resource: an `Any` of
 * `anyTypeUrl` whose value is raw[start, end), in a response of `typeUrl`.
 * Its name is read from the message and its version is a hash of its bytes
 * (SotW has no per-resource version). Throws if the value does not decode.
 */
export function sharedSotwResource(typeUrl: string, anyTypeUrl: string, raw: Buffer, start: number, end: number): SharedResource {
  // SotW entries are keyed by the value alone: the `Any`'s type URL beside it must match too.
  const found = sotwTable.find(typeUrl, raw, start, end, anyTypeUrl);
  if (found) return found;
  const bytes = copyOf(raw, start, end);
  const field = NAME_FIELD[typeUrl];
  const name = field ? String((typeOfUrl(typeUrl).decode(bytes) as unknown as Record<string, unknown>)[field] ?? '') : '';
  const version = createHash('sha256').update(bytes).digest('base64url').slice(0, 22);
  const entry = new SharedResource(typeUrl, name, version, bytes, anyTypeUrl, bytes);
  sotwTable.add(entry);
  return entry;
}

/** raw[start, end) in a buffer of its own (a native copy; `Buffer.from` of a view copies byte by byte). */
function copyOf(raw: Buffer, start: number, end: number): Buffer {
  const out = Buffer.allocUnsafe(end - start);
  raw.copy(out, 0, start, end);
  return out;
}

/** Forgets every shared entry (between runs). */
export function clearSharedResources(): void {
  deltaTable.clear();
  sotwTable.clear();
}
