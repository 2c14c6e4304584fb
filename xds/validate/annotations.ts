/**
 * Reads protoc-gen-validate annotations off protobufjs reflection objects.
 * protobufjs keeps each `[...]` option group as one entry of `parsedOptions`
 * (an array of objects keyed by the option name in parentheses); a field may
 * carry several `(validate.rules)` entries, so they are deep-merged here.
 */
import type protobuf from 'protobufjs';

/** A `validate.FieldRules` message as protobufjs parses it out of an option (plain, untyped JSON). */
export type RuleObject = Record<string, unknown>;

type OptionCarrier = { parsedOptions?: unknown; options?: Record<string, unknown> | undefined };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepMerge(into: RuleObject, from: RuleObject): RuleObject {
  for (const [k, v] of Object.entries(from)) {
    const have = into[k];
    if (isPlainObject(have) && isPlainObject(v)) into[k] = deepMerge({ ...have }, v);
    else if (Array.isArray(have)) into[k] = have.concat(v);
    else into[k] = v;
  }
  return into;
}

function optionEntries(carrier: OptionCarrier, name: string): unknown[] {
  const out: unknown[] = [];
  const parsed = carrier.parsedOptions;
  if (Array.isArray(parsed)) {
    for (const entry of parsed) if (isPlainObject(entry) && name in entry) out.push(entry[name]);
  } else if (isPlainObject(parsed) && name in parsed) {
    out.push(parsed[name]);
  }
  // A bare `option (validate.disabled) = true;` may only show up in `options`.
  if (out.length === 0 && carrier.options && name in carrier.options) out.push(carrier.options[name]);
  return out;
}

/** The merged `(validate.rules)` of a field, or undefined when it has none. */
export function fieldRulesOf(field: protobuf.Field): RuleObject | undefined {
  const entries = optionEntries(field as unknown as OptionCarrier, '(validate.rules)');
  let merged: RuleObject | undefined;
  for (const e of entries) if (isPlainObject(e)) merged = deepMerge(merged ?? {}, e);
  return merged;
}

function boolOption(carrier: OptionCarrier, name: string): boolean {
  return optionEntries(carrier, name).some((v) => v === true || v === 'true');
}

/** True when a oneof carries `(validate.required) = true`. */
export function oneofRequired(oneof: protobuf.OneOf): boolean {
  return boolOption(oneof as unknown as OptionCarrier, '(validate.required)');
}

/** True when a message opts out of validation with `(validate.disabled)` or `(validate.ignored)`. */
export function messageRulesDisabled(type: protobuf.Type): boolean {
  const carrier = type as unknown as OptionCarrier;
  return boolOption(carrier, '(validate.disabled)') || boolOption(carrier, '(validate.ignored)');
}

/** Narrows an unknown rule value to a nested rule object. */
export function ruleObject(v: unknown): RuleObject | undefined {
  return isPlainObject(v) ? v : undefined;
}

/** A repeated rule value (`in`, `not_in`): protobufjs gives one value or an array. */
export function ruleList(v: unknown): unknown[] | undefined {
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v : [v];
}
