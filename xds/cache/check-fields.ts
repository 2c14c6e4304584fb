/**
 * A strict shape check of a plain object against a protobuf message type.
 * protobufjs's `fromObject` silently drops keys it does not know and coerces
 * wrong scalar types, so a typo in a resource builder would reach the proxy
 * as a missing setting. This walk rejects that before anything is encoded.
 */
import protobuf from 'protobufjs';

const ANY_TYPE = '.google.protobuf.Any';

/** True for google.protobuf.Any (remembered per type: protobufjs computes `fullName` by walking the parents on every read). */
export function isAnyType(type: protobuf.Type): boolean {
  let any = anyTypes.get(type);
  if (any === undefined) anyTypes.set(type, (any = type.fullName === ANY_TYPE));
  return any;
}

const anyTypes = new WeakMap<protobuf.Type, boolean>();

/** Returns the first problem found as a sentence naming the field path, or undefined when the object fits the type. */
export function findFieldError(type: protobuf.Type, value: unknown, path = ''): string | undefined {
  if (!isPlainObject(value)) return `${path || 'resource'}: expected an object for ${type.fullName.slice(1)}`;
  if (isAnyType(type)) return checkAny(type, value, path);
  for (const [key, child] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    const field = type.fields[key];
    if (!field) return `unknown field "${at}" (not in ${type.fullName.slice(1)})`;
    if (child === null || child === undefined) continue;
    field.resolve();
    if (field.map) {
      if (!isPlainObject(child)) return `${at}: expected a map object`;
      for (const [k, v] of Object.entries(child)) {
        const err = checkValue(field, v, `${at}[${JSON.stringify(k)}]`);
        if (err) return err;
      }
    } else if (field.repeated) {
      if (!Array.isArray(child)) return `${at}: expected a list`;
      for (let i = 0; i < child.length; i++) {
        const err = checkValue(field, child[i], `${at}[${i}]`);
        if (err) return err;
      }
    } else {
      const err = checkValue(field, child, at);
      if (err) return err;
    }
  }
  return undefined;
}

/** The message type an Any names, looked up once per root and name; null when the root has none. */
function anyType(root: protobuf.Namespace, name: string): protobuf.Type | null {
  let byName = typesNamedByAny.get(root);
  if (!byName) typesNamedByAny.set(root, (byName = new Map()));
  let type = byName.get(name);
  if (type === undefined) {
    try {
      type = root.lookupType(name);
    } catch {
      type = null;
    }
    byName.set(name, type);
  }
  return type;
}

const typesNamedByAny = new WeakMap<protobuf.Namespace, Map<string, protobuf.Type | null>>();

function checkAny(type: protobuf.Type, value: Record<string, unknown>, path: string): string | undefined {
  const typeName = value['@type'];
  if (typeName === undefined) {
    for (const key of Object.keys(value)) {
      if (key !== 'type_url' && key !== 'value') return `unknown field "${path}.${key}" (an Any without @type holds only type_url and value)`;
    }
    return undefined;
  }
  if (typeof typeName !== 'string') return `${path}.@type: expected a type URL string`;
  const name = typeName.slice(typeName.lastIndexOf('/') + 1);
  const inner = anyType(type.root, name);
  if (!inner) return `${path}.@type: unknown message type "${typeName}"`;
  const rest: Record<string, unknown> = { ...value };
  delete rest['@type'];
  return findFieldError(inner, rest, path);
}

function checkValue(field: protobuf.Field, v: unknown, at: string): string | undefined {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return findFieldError(resolved, v, at);
  if (resolved instanceof protobuf.Enum) {
    if (typeof v === 'string' && Object.prototype.hasOwnProperty.call(resolved.values, v)) return undefined;
    if (typeof v === 'number' && Number.isInteger(v)) return undefined;
    return `${at}: ${JSON.stringify(v)} is not a value of enum ${resolved.fullName.slice(1)}`;
  }
  switch (field.type) {
    case 'string':
      return typeof v === 'string' ? undefined : `${at}: expected a string`;
    case 'bool':
      return typeof v === 'boolean' ? undefined : `${at}: expected a boolean`;
    case 'bytes':
      return typeof v === 'string' || v instanceof Uint8Array ? undefined : `${at}: expected bytes`;
    case 'double':
    case 'float':
      return typeof v === 'number' ? undefined : `${at}: expected a number`;
    case 'int32':
    case 'uint32':
    case 'sint32':
    case 'fixed32':
    case 'sfixed32':
      return typeof v === 'number' && Number.isInteger(v) ? undefined : `${at}: expected an integer`;
    case 'int64':
    case 'uint64':
    case 'sint64':
    case 'fixed64':
    case 'sfixed64':
      return (typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && /^-?\d+$/.test(v))
        ? undefined
        : `${at}: expected an integer (number or decimal string)`;
    default:
      return undefined;
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}
