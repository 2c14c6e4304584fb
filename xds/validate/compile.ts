/**
 * Turns a protobufjs message type into a plan that checks a keepCase plain
 * object against both the schema (known fields, value types, int ranges,
 * resolvable `Any`s, one oneof member at most) and every PGV rule on the way.
 * Plans are built once per type and cached; a plan reads no options at run time.
 */
import protobuf from 'protobufjs';
import { fieldRulesOf, messageRulesDisabled, oneofRequired, ruleObject, type RuleObject } from './annotations.ts';
import {
  compileAnyRules, compileBoolRules, compileBytesRules, compileDurationRules, compileEnumRules,
  compileNumberRules, compileStringRules, compileTimestampRules, typedRule, type Sink,
} from './rules.ts';
import {
  describe, isIntegerKind, isSchemaError, readBytes, readDuration, readFloat, readInteger, readTimestamp, type SchemaError,
} from './values.ts';
import { indexSegment, type Walk } from './walk.ts';

/** Checks one present (non-null) value at the walk's current path. */
type ElementCheck = (v: unknown, w: Walk, rulesOn: boolean) => void;
type RuleIssue = { rule: string; message: string };

interface FieldPlan {
  name: string;
  check: ElementCheck;
  /** What the rules say about this field when it is unset (proto3: its zero value); empty when nothing. */
  unsetIssues: readonly RuleIssue[];
}

interface OneofPlan {
  name: string;
  members: readonly string[];
  required: boolean;
}

/** The compiled checker of one message type. */
export interface MessagePlan {
  readonly type: protobuf.Type;
  readonly fields: ReadonlyMap<string, FieldPlan>;
  readonly unsetRuled: readonly FieldPlan[];
  readonly oneofs: readonly OneofPlan[];
  readonly rulesDisabled: boolean;
}

const plans = new WeakMap<protobuf.Type, MessagePlan>();

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/** The cached plan of a message type (built on first use). */
export function planFor(type: protobuf.Type): MessagePlan {
  let plan = plans.get(type);
  if (plan) return plan;
  const fields = new Map<string, FieldPlan>();
  const unsetRuled: FieldPlan[] = [];
  const oneofs: OneofPlan[] = [];
  plan = { type, fields, unsetRuled, oneofs, rulesDisabled: messageRulesDisabled(type) };
  // Registered before the fields are built: message types may be recursive.
  plans.set(type, plan);
  for (const field of type.fieldsArray) {
    field.resolve();
    const fp = buildField(field);
    fields.set(field.name, fp);
    if (fp.unsetIssues.length > 0) unsetRuled.push(fp);
  }
  for (const oneof of type.oneofsArray) {
    if (isSyntheticOneof(oneof)) continue;
    oneofs.push({ name: oneof.name, members: [...oneof.oneof], required: oneofRequired(oneof) });
  }
  return plan;
}

function isSyntheticOneof(oneof: protobuf.OneOf): boolean {
  // proto3 `optional` fields get a one-member oneof that is not part of the schema.
  const only = oneof.fieldsArray[0];
  return oneof.fieldsArray.length === 1 && only !== undefined && only.options?.proto3_optional === true;
}

/** Checks a plain object against a plan; `skipKey` is the `@type` of an inline `Any`. */
export function checkMessage(plan: MessagePlan, obj: unknown, w: Walk, rulesOn: boolean, skipKey?: string): void {
  if (!isPlainObject(obj)) {
    w.report('schema.type', `expected an object (${plan.type.fullName.slice(1)}), got ${describe(obj)}`);
    return;
  }
  const on = rulesOn && !plan.rulesDisabled;
  // A frozen object is a part shared by many resources (xds/resources/memo.ts): checked once per message type.
  const shared = on && skipKey === undefined && w.remembers && Object.isFrozen(obj);
  if (shared && cleanParts.get(obj) === plan) return;
  const issuesBefore = w.issues.length;
  checkFields(plan, obj, w, on, skipKey);
  if (shared && w.issues.length === issuesBefore) cleanParts.set(obj, plan);
}

/** Frozen message objects that passed, with the plan they passed (default options only). */
const cleanParts = new WeakMap<object, MessagePlan>();

function checkFields(plan: MessagePlan, obj: Record<string, unknown>, w: Walk, on: boolean, skipKey: string | undefined): void {
  for (const key of Object.keys(obj)) {
    const f = plan.fields.get(key);
    if (!f) {
      if (key === skipKey) continue;
      w.push(key);
      w.report('schema.unknown_field', `${plan.type.fullName.slice(1)} has no field "${key}"`);
      w.pop();
      continue;
    }
    const v = obj[key];
    if (v == null) continue;
    w.push(key);
    f.check(v, w, on);
    w.pop();
  }
  if (on) {
    for (const f of plan.unsetRuled) {
      if (obj[f.name] != null) continue;
      w.push(f.name);
      for (const i of f.unsetIssues) w.report(i.rule, i.message);
      w.pop();
    }
  }
  for (const o of plan.oneofs) {
    let set: string[] | undefined;
    for (const m of o.members) if (obj[m] != null) (set ??= []).push(m);
    if (set && set.length > 1) {
      w.push(o.name);
      w.report('schema.oneof', `only one of ${o.members.join(', ')} may be set, found ${set.join(', ')}`);
      w.pop();
    } else if (!set && o.required && on) {
      w.push(o.name);
      w.report('oneof.required', `one of ${o.members.join(', ')} is required`);
      w.pop();
    }
  }
}

function collectIssues(run: (sink: Sink) => void): RuleIssue[] {
  const out: RuleIssue[] = [];
  run({ report: (rule, message) => out.push({ rule, message }), now: () => new Date(0) });
  return out;
}

function buildField(field: protobuf.Field): FieldPlan {
  const rules = fieldRulesOf(field);
  const hasPresence = field.partOf !== null && field.partOf !== undefined;
  if (field.map) return buildMapField(field, rules);
  if (field.repeated) return buildRepeatedField(field, rules);
  const el = buildElement(field, rules);
  return { name: field.name, check: el.check, unsetIssues: hasPresence ? [] : el.unsetIssues };
}

interface Element {
  check: ElementCheck;
  unsetIssues: RuleIssue[];
  /** Normalised identity of a value for `repeated.unique`. */
  keyOf: (v: unknown) => string;
}

const jsonKey = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));

const SCALAR_KINDS = new Set(['double', 'float', 'int32', 'uint32', 'sint32', 'fixed32', 'sfixed32', 'int64', 'uint64', 'sint64', 'fixed64', 'sfixed64', 'bool', 'string', 'bytes']);

/** Reader for one scalar kind: schema check plus normalisation. */
function scalarReader(kind: string): (v: unknown) => unknown {
  if (kind === 'string') return (v) => (typeof v === 'string' ? v : { error: `expected a string, got ${describe(v)}` });
  if (kind === 'bool') return (v) => (typeof v === 'boolean' ? v : { error: `expected a boolean, got ${describe(v)}` });
  if (kind === 'bytes') return readBytes;
  if (kind === 'double' || kind === 'float') return (v) => readFloat(kind, v);
  if (isIntegerKind(kind)) return (v) => readInteger(kind, v);
  throw new Error(`not a scalar kind: ${kind}`);
}

function zeroOf(kind: string): unknown {
  if (kind === 'string') return '';
  if (kind === 'bool') return false;
  if (kind === 'bytes') return Buffer.alloc(0);
  if (kind === 'double' || kind === 'float') return 0;
  return readInteger(kind, 0);
}

/** Compiles the typed rule body for a scalar kind; a rule body of another kind is ignored as PGV's generator would refuse it. */
function scalarRuleCheck(kind: string, rules: RuleObject | undefined): ((v: never, s: Sink) => void) | undefined {
  const tr = typedRule(rules);
  if (!tr) return undefined;
  const [rk, body] = tr;
  if (kind === 'string' && rk === 'string') return compileStringRules(body) as ((v: never, s: Sink) => void) | undefined;
  if (kind === 'bool' && rk === 'bool') return compileBoolRules(body) as ((v: never, s: Sink) => void) | undefined;
  if (kind === 'bytes' && rk === 'bytes') return compileBytesRules(body) as ((v: never, s: Sink) => void) | undefined;
  if (rk === kind) return compileNumberRules(kind, body) as ((v: never, s: Sink) => void) | undefined;
  return undefined;
}

function scalarElement(kind: string, rules: RuleObject | undefined): Element {
  const read = scalarReader(kind);
  const rc = scalarRuleCheck(kind, rules) as ((v: unknown, s: Sink) => void) | undefined;
  const check: ElementCheck = (v, w, on) => {
    const n = read(v);
    if (isSchemaError(n)) { w.report('schema.type', (n as SchemaError).error); return; }
    if (on && rc) rc(n, w);
  };
  const unsetIssues = rc ? collectIssues((s) => rc(zeroOf(kind), s)) : [];
  return { check, unsetIssues, keyOf: (v) => { const n = read(v); return Buffer.isBuffer(n) ? n.toString('hex') : String(n); } };
}

function enumElement(en: protobuf.Enum, rules: RuleObject | undefined): Element {
  const defined = new Set(Object.values(en.values));
  const toNumber = (v: unknown): number | undefined => {
    if (typeof v === 'number') return Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31 ? v : undefined;
    if (typeof v === 'string') return en.values[v];
    return undefined;
  };
  const tr = typedRule(rules);
  const rc = tr && tr[0] === 'enum' ? compileEnumRules(tr[1], defined, toNumber) : undefined;
  const name = en.fullName.slice(1);
  const check: ElementCheck = (v, w, on) => {
    const n = toNumber(v);
    if (n === undefined) {
      w.report('schema.enum', typeof v === 'string' ? `${name} has no value "${v}"` : `expected a ${name} name or int32, got ${describe(v)}`);
      return;
    }
    if (on && rc) rc(n, w);
  };
  const unsetIssues = rc ? collectIssues((s) => rc(0, s)) : [];
  return { check, unsetIssues, keyOf: (v) => String(toNumber(v)) };
}

const WRAPPERS: Record<string, string> = {
  '.google.protobuf.DoubleValue': 'double', '.google.protobuf.FloatValue': 'float',
  '.google.protobuf.Int64Value': 'int64', '.google.protobuf.UInt64Value': 'uint64',
  '.google.protobuf.Int32Value': 'int32', '.google.protobuf.UInt32Value': 'uint32',
  '.google.protobuf.BoolValue': 'bool', '.google.protobuf.StringValue': 'string', '.google.protobuf.BytesValue': 'bytes',
};

function messageElement(type: protobuf.Type, rules: RuleObject | undefined): Element {
  const msgRules = ruleObject(rules?.message);
  const required = msgRules?.required === true;
  const skip = msgRules?.skip === true;
  const tr = typedRule(rules);
  const unsetIssues: RuleIssue[] = required ? [{ rule: 'message.required', message: 'is required' }] : [];
  const keyOf = jsonKey;
  let plan: MessagePlan | undefined;
  const lazyPlan = (): MessagePlan => (plan ??= planFor(type));
  const tn = type.fullName;

  if (tn === '.google.protobuf.Duration' || tn === '.google.protobuf.Timestamp') {
    const isDuration = tn === '.google.protobuf.Duration';
    const kind = isDuration ? 'duration' : 'timestamp';
    const body = tr && tr[0] === kind ? tr[1] : undefined;
    const rc = body ? (isDuration ? compileDurationRules(body) : compileTimestampRules(body)) : undefined;
    if (body?.required === true && !required) unsetIssues.push({ rule: `${kind}.required`, message: 'is required' });
    const read = isDuration ? readDuration : readTimestamp;
    const check: ElementCheck = (v, w, on) => {
      const n = read(v);
      if (isSchemaError(n)) { w.report('schema.type', n.error); return; }
      if (on && rc && !skip) rc(n, w);
    };
    return { check, unsetIssues, keyOf };
  }

  if (tn === '.google.protobuf.Any') {
    const body = tr && tr[0] === 'any' ? tr[1] : undefined;
    const rc = body ? compileAnyRules(body) : undefined;
    if (body?.required === true && !required) unsetIssues.push({ rule: 'any.required', message: 'is required' });
    const check: ElementCheck = (v, w, on) => checkAny(v, w, on && !skip, rc, lazyPlan);
    return { check, unsetIssues, keyOf };
  }

  const innerKind = WRAPPERS[tn];
  if (innerKind) {
    // A wrapper field carries the rule of the wrapped scalar; it applies only when the wrapper is set.
    const read = scalarReader(innerKind);
    const rc = scalarRuleCheck(innerKind, rules) as ((v: unknown, s: Sink) => void) | undefined;
    const check: ElementCheck = (v, w, on) => {
      const before = w.issues.length;
      checkMessage(lazyPlan(), v, w, on);
      if (!on || !rc || skip || w.issues.length !== before) return;
      const inner = (v as Record<string, unknown>).value;
      const n = inner == null ? zeroOf(innerKind) : read(inner);
      if (!isSchemaError(n)) rc(n, w);
    };
    return { check, unsetIssues, keyOf };
  }

  const check: ElementCheck = (v, w, on) => checkMessage(lazyPlan(), v, w, on && !skip);
  return { check, unsetIssues, keyOf };
}

const anyTypeCache = new WeakMap<protobuf.Root, Map<string, protobuf.Type | null>>();

function lookupAnyType(root: protobuf.Root, name: string): protobuf.Type | null {
  let m = anyTypeCache.get(root);
  if (!m) anyTypeCache.set(root, (m = new Map()));
  let t = m.get(name);
  if (t === undefined) {
    const found = name === '' ? null : root.lookup(name);
    t = found instanceof protobuf.Type ? found : null;
    m.set(name, t);
  }
  return t;
}

function checkAny(v: unknown, w: Walk, on: boolean, rc: ((url: string, s: Sink) => void) | undefined, anyPlan: () => MessagePlan): void {
  if (!isPlainObject(v)) { w.report('schema.type', `expected an object (google.protobuf.Any), got ${describe(v)}`); return; }
  const inline = v['@type'];
  let typeUrl: unknown = inline;
  let payload: unknown = v;
  if (inline === undefined && v.type_url === undefined) {
    w.report('schema.any_type', 'Any has no "@type"');
    return;
  }
  if (inline === undefined) {
    // The raw form {type_url, value}: check it as an Any, then decode the payload and check that.
    const before = w.issues.length;
    checkMessage(anyPlan(), v, w, false);
    if (w.issues.length !== before) return;
    typeUrl = v.type_url;
    payload = undefined;
  }
  if (typeof typeUrl !== 'string' || typeUrl === '') {
    w.report('schema.any_type', 'Any has no "@type"');
    return;
  }
  const slash = typeUrl.lastIndexOf('/');
  if (slash < 0) w.report('schema.any_type', `type URL "${typeUrl}" has no "/" (expected type.googleapis.com/<message>)`);
  const t = lookupAnyType(w.root, typeUrl.slice(slash + 1));
  if (!t) { w.report('schema.any_type', `unknown message type "${typeUrl}"`); return; }
  if (on && rc) rc(typeUrl, w);
  if (payload === undefined) {
    const bytes = readBytes(v.value ?? '');
    if (isSchemaError(bytes)) return;
    try {
      payload = t.toObject(t.decode(bytes), { longs: String, enums: String, bytes: String });
    } catch (e) {
      w.report('schema.any_value', `Any value does not decode as ${typeUrl}: ${(e as Error).message}`);
      return;
    }
  }
  checkMessage(planFor(t), payload, w, on, '@type');
}

/** One value of a field (singular, a list item, or a map value) with the given element rules. */
function buildElement(field: protobuf.Field, rules: RuleObject | undefined): Element {
  const rt = field.resolvedType;
  if (rt instanceof protobuf.Type) return messageElement(rt, rules);
  if (rt instanceof protobuf.Enum) return enumElement(rt, rules);
  if (SCALAR_KINDS.has(field.type)) return scalarElement(field.type, rules);
  throw new Error(`field ${field.fullName} has unresolved type ${field.type}`);
}

function buildRepeatedField(field: protobuf.Field, rules: RuleObject | undefined): FieldPlan {
  const body = rules && typedRule(rules)?.[0] === 'repeated' ? typedRule(rules)![1] : undefined;
  const el = buildElement(field, ruleObject(body?.items));
  const min = body?.min_items !== undefined ? Number(body.min_items) : undefined;
  const max = body?.max_items !== undefined ? Number(body.max_items) : undefined;
  const unique = body?.unique === true;
  const ignoreEmpty = body?.ignore_empty === true;
  const listRules = (n: number, s: Sink): void => {
    if (ignoreEmpty && n === 0) return;
    if (min !== undefined && n < min) s.report(`repeated.min_items ${min}`, `must have at least ${min} items, has ${n}`);
    if (max !== undefined && n > max) s.report(`repeated.max_items ${max}`, `must have at most ${max} items, has ${n}`);
  };
  const check: ElementCheck = (v, w, on) => {
    if (!Array.isArray(v)) { w.report('schema.type', `expected an array, got ${describe(v)}`); return; }
    for (let i = 0; i < v.length; i++) {
      w.push(indexSegment(i));
      const item: unknown = v[i];
      if (item == null) w.report('schema.type', 'list items must not be null');
      else el.check(item, w, on);
      w.pop();
    }
    if (!on) return;
    listRules(v.length, w);
    if (unique && !(ignoreEmpty && v.length === 0)) {
      const seen = new Map<string, number>();
      for (let i = 0; i < v.length; i++) {
        const k = el.keyOf(v[i]);
        const first = seen.get(k);
        if (first === undefined) seen.set(k, i);
        else { w.report('repeated.unique', `item ${i} repeats item ${first}`); break; }
      }
    }
  };
  const hasPresence = field.partOf !== null && field.partOf !== undefined;
  return { name: field.name, check, unsetIssues: hasPresence ? [] : collectIssues((s) => listRules(0, s)) };
}

function buildMapField(field: protobuf.Field, rules: RuleObject | undefined): FieldPlan {
  const keyType = (field as unknown as protobuf.MapField).keyType;
  const body = rules && typedRule(rules)?.[0] === 'map' ? typedRule(rules)![1] : undefined;
  const valueEl = buildElement(field, ruleObject(body?.values));
  const keyRead = keyType === 'string' ? (k: string): unknown => k
    : keyType === 'bool' ? (k: string): unknown => (k === 'true' ? true : k === 'false' ? false : { error: `map key "${k}" is not a bool` })
    : (k: string): unknown => readInteger(keyType, k);
  const keyRules = scalarRuleCheck(keyType, ruleObject(body?.keys)) as ((v: unknown, s: Sink) => void) | undefined;
  const min = body?.min_pairs !== undefined ? Number(body.min_pairs) : undefined;
  const max = body?.max_pairs !== undefined ? Number(body.max_pairs) : undefined;
  const noSparse = body?.no_sparse === true;
  const ignoreEmpty = body?.ignore_empty === true;
  const pairRules = (n: number, s: Sink): void => {
    if (ignoreEmpty && n === 0) return;
    if (min !== undefined && n < min) s.report(`map.min_pairs ${min}`, `must have at least ${min} entries, has ${n}`);
    if (max !== undefined && n > max) s.report(`map.max_pairs ${max}`, `must have at most ${max} entries, has ${n}`);
  };
  const check: ElementCheck = (v, w, on) => {
    if (!isPlainObject(v)) { w.report('schema.type', `expected an object (map), got ${describe(v)}`); return; }
    const keys = Object.keys(v);
    for (const k of keys) {
      w.push(`[${JSON.stringify(k)}]`);
      const key = keyRead(k);
      if (isSchemaError(key)) w.report('schema.type', key.error);
      else if (on && keyRules) keyRules(key, w);
      const val = v[k];
      if (val == null) {
        if (on && noSparse) w.report('map.no_sparse', 'map values must not be unset');
        else w.report('schema.type', 'map values must not be null');
      } else {
        valueEl.check(val, w, on);
      }
      w.pop();
    }
    if (on) pairRules(keys.length, w);
  };
  return { name: field.name, check, unsetIssues: collectIssues((s) => pairRules(0, s)) };
}
