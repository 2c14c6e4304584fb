/**
 * Encoding that reuses the bytes of shared parts. The mesh engine builds one
 * object for a message that many resources contain (the inbound filter chain
 * every instance of a service carries) and freezes it (xds/resources/memo.ts).
 * A frozen message object found in a message field is checked and encoded
 * once, and its bytes are framed into every message that contains it.
 *
 * The result is byte for byte what encoding the whole object gives.
 * protobufjs writes known fields in field-number order, and an embedded
 * message is its tag, its length and its bytes. So the fields numbered before
 * a part, the part, and the fields after it can be encoded apart and joined.
 */
import { createHash } from 'node:crypto';
import protobuf from 'protobufjs';
import { findFieldError, isAnyType } from './check-fields.ts';

/** A shared part's encoding: its bytes and a digest of them (for content keys). */
interface EncodedPart {
  readonly type: protobuf.Type;
  readonly bytes: Uint8Array;
  readonly digest: string;
}

/** Frozen message objects already checked and encoded, with the type they were encoded as. */
const encodedParts = new WeakMap<object, EncodedPart>();

/** Message fields of an object whose values are shared parts. */
interface PartField {
  readonly field: protobuf.Field;
  readonly type: protobuf.Type;
  readonly items: readonly object[];
}

/** An object split into its shared parts and the rest. */
interface Split {
  readonly parts: readonly PartField[];
  readonly rest: Record<string, unknown>;
}

function isSharedPart(v: unknown): v is object {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.isFrozen(v);
}

/** The shared parts directly in `obj`'s message fields (by field number), or undefined when it has none. */
function splitOf(type: protobuf.Type, obj: Readonly<Record<string, unknown>>): Split | undefined {
  if (isAnyType(type)) return undefined;
  let parts: PartField[] | undefined;
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if (typeof v !== 'object' || v === null) continue;
    const field = type.fields[key];
    if (!field || field.map || field.delimited) continue;
    const resolved = field.resolve().resolvedType;
    if (!(resolved instanceof protobuf.Type)) continue;
    let items: readonly object[];
    if (field.repeated) {
      if (!Array.isArray(v) || v.length === 0 || !v.every(isSharedPart)) continue;
      items = v as object[];
    } else {
      if (!isSharedPart(v)) continue;
      items = [v];
    }
    (parts ??= []).push({ field, type: resolved, items });
  }
  if (!parts) return undefined;
  parts.sort((a, b) => a.field.id - b.field.id);
  const rest: Record<string, unknown> = { ...obj };
  for (const p of parts) delete rest[p.field.name];
  return { parts, rest };
}

/** A shared part's encoding, done once per frozen object; throws an Error naming the field. */
function partOf(type: protobuf.Type, item: object, path: string): EncodedPart {
  const known = encodedParts.get(item);
  if (known && known.type === type) return known;
  const fieldError = findFieldError(type, item, path);
  if (fieldError) throw new Error(fieldError);
  const bytes = encodeChecked(type, item as Record<string, unknown>, path);
  const part: EncodedPart = { type, bytes, digest: createHash('sha256').update(bytes).digest('base64url') };
  encodedParts.set(item, part);
  return part;
}

/** protobufjs's own encoding of an object already shape-checked; throws on what `verify` refuses. */
function plainEncode(type: protobuf.Type, obj: Readonly<Record<string, unknown>>): Uint8Array {
  const message = type.fromObject(obj);
  const verifyError = type.verify(message);
  if (verifyError) throw new Error(verifyError);
  return type.encode(message).finish();
}

/** `obj`'s fields numbered in (after, before), encoded; empty when it has none. */
function fieldsBetween(type: protobuf.Type, obj: Record<string, unknown>, after: number, before: number): Uint8Array {
  let some: Record<string, unknown> | undefined;
  for (const key of Object.keys(obj)) {
    const id = type.fields[key]?.id;
    if (id !== undefined && id > after && id < before) (some ??= {})[key] = obj[key];
  }
  return some ? plainEncode(type, some) : new Uint8Array(0);
}

function encodeChecked(type: protobuf.Type, obj: Readonly<Record<string, unknown>>, path: string): Uint8Array {
  const split = splitOf(type, obj);
  if (!split) return plainEncode(type, obj);
  const chunks: Uint8Array[] = [];
  let after = 0;
  for (const { field, type: partType, items } of split.parts) {
    chunks.push(fieldsBetween(type, split.rest, after, field.id));
    const at = path ? `${path}.${field.name}` : field.name;
    items.forEach((item, i) => {
      const part = partOf(partType, item, field.repeated ? `${at}[${i}]` : at);
      chunks.push(protobuf.Writer.create().uint32(((field.id << 3) | 2) >>> 0).uint32(part.bytes.length).finish(), part.bytes);
    });
    after = field.id;
  }
  chunks.push(fieldsBetween(type, split.rest, after, Number.POSITIVE_INFINITY));
  return Buffer.concat(chunks);
}

/**
 * Checks `obj` against `type` (every field known and of the right shape) and
 * encodes it, reusing the bytes of the shared parts in it; throws an Error
 * whose message names the field. The bytes equal protobufjs's encoding of the
 * whole object.
 */
export function encodeMessage(type: protobuf.Type, obj: Readonly<Record<string, unknown>>): Uint8Array {
  const split = splitOf(type, obj);
  const fieldError = findFieldError(type, split ? split.rest : obj);
  if (fieldError) throw new Error(fieldError);
  return encodeChecked(type, obj, '');
}

/**
 * A text that identifies `obj`'s content, for recognising equal content
 * before encoding: its JSON, with each shared part replaced by the digest of
 * its bytes (encoded once). Undefined when it cannot be made (a part that
 * does not encode; the encoding then reports why).
 */
export function contentTextOf(type: protobuf.Type, obj: Readonly<Record<string, unknown>>): string | undefined {
  try {
    const split = splitOf(type, obj);
    if (!split) return JSON.stringify(obj);
    let text = JSON.stringify(split.rest);
    for (const { field, type: partType, items } of split.parts) {
      text += `\0${field.name}`;
      for (const item of items) text += `\0${partOf(partType, item, field.name).digest}`;
    }
    return text;
  } catch {
    return undefined;
  }
}
