/**
 * Reads ACL rules in Consul's HCL form or its JSON form into PolicyRules.
 * Both forms are first turned into the same list of stanzas, so validation
 * and its messages are shared; each message says where (HCL line, or the
 * JSON field path) and what is wrong.
 *
 * Stanzas for features Switchboard does not have (key/KV, session, event,
 * prepared query, keyring, peering) are accepted and ignored with a warning,
 * so policies written for Consul still load.
 */
import { parseHcl, type HclItem } from './hcl.ts';
import { emptyRules, type NamedRule, type ParseRulesResult, type PolicyLevel, type PolicyRules } from './types.ts';

type Stanza =
  | { shape: 'scalar'; kind: string; value: unknown; where: string }
  | { shape: 'block'; kind: string; label: string; attrs: { key: string; value: unknown; where: string }[]; where: string };

const NAMED_KINDS: Record<string, { target: 'service' | 'node' | 'agent'; prefix: boolean }> = {
  service: { target: 'service', prefix: false },
  service_prefix: { target: 'service', prefix: true },
  node: { target: 'node', prefix: false },
  node_prefix: { target: 'node', prefix: true },
  agent: { target: 'agent', prefix: false },
  agent_prefix: { target: 'agent', prefix: true },
};
const GLOBAL_KINDS = ['operator', 'mesh', 'acl'] as const;
const IGNORED_BLOCKS = new Set(['key', 'key_prefix', 'session', 'session_prefix', 'event', 'event_prefix', 'query', 'query_prefix']);
const IGNORED_SCALARS = new Set(['keyring', 'peering']);
const LEVELS: readonly PolicyLevel[] = ['read', 'write', 'deny'];

function stanzasFromHcl(items: HclItem[], errors: string[]): Stanza[] {
  const out: Stanza[] = [];
  for (const it of items) {
    const where = `line ${it.line}`;
    if (it.kind === 'attribute') {
      out.push({ shape: 'scalar', kind: it.key, value: it.value, where });
      continue;
    }
    if (it.labels.length !== 1) {
      errors.push(`${where}: ${it.key} needs exactly one name, as in ${it.key} "name" { policy = "read" }`);
      continue;
    }
    const attrs: { key: string; value: unknown; where: string }[] = [];
    for (const a of it.body) {
      if (a.kind === 'block') errors.push(`line ${a.line}: unexpected block "${a.key}" inside ${it.key} "${it.labels[0]}"`);
      else attrs.push({ key: a.key, value: a.value, where: `line ${a.line}` });
    }
    out.push({ shape: 'block', kind: it.key, label: it.labels[0]!, attrs, where });
  }
  return out;
}

function stanzasFromJson(doc: unknown, errors: string[]): Stanza[] {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    errors.push('rules: expected a JSON object');
    return [];
  }
  const out: Stanza[] = [];
  for (const [kind, v] of Object.entries(doc as Record<string, unknown>)) {
    if (!(kind in NAMED_KINDS) && !IGNORED_BLOCKS.has(kind)) {
      out.push({ shape: 'scalar', kind, value: v, where: kind });
      continue;
    }
    if (!v || typeof v !== 'object' || Array.isArray(v)) {
      errors.push(`${kind}: expected an object of names, as in {"${kind}": {"name": {"policy": "read"}}}`);
      continue;
    }
    for (const [label, body] of Object.entries(v as Record<string, unknown>)) {
      const where = `${kind}.${JSON.stringify(label)}`;
      if (!body || typeof body !== 'object' || Array.isArray(body)) {
        errors.push(`${where}: expected an object such as {"policy": "read"}`);
        continue;
      }
      const attrs = Object.entries(body as Record<string, unknown>).map(([key, value]) => ({ key, value, where: `${where}.${key}` }));
      out.push({ shape: 'block', kind, label, attrs, where });
    }
  }
  return out;
}

function level(value: unknown, where: string, field: string, errors: string[]): PolicyLevel | undefined {
  if (typeof value === 'string' && (LEVELS as readonly string[]).includes(value)) return value as PolicyLevel;
  errors.push(`${where}: ${field} must be "read", "write" or "deny", not ${JSON.stringify(value)}`);
  return undefined;
}

function collect(stanzas: Stanza[], errors: string[], warnings: string[]): PolicyRules {
  const rules = emptyRules();
  for (const s of stanzas) {
    const named = NAMED_KINDS[s.kind];
    if (s.shape === 'scalar') {
      if ((GLOBAL_KINDS as readonly string[]).includes(s.kind)) {
        const l = level(s.value, s.where, s.kind, errors);
        if (l) rules[s.kind as (typeof GLOBAL_KINDS)[number]] = l;
      } else if (IGNORED_SCALARS.has(s.kind)) {
        warnings.push(`${s.where}: "${s.kind}" rules are ignored (Switchboard has no ${s.kind})`);
      } else if (named || IGNORED_BLOCKS.has(s.kind)) {
        errors.push(`${s.where}: ${s.kind} needs a name and a block, as in ${s.kind} "name" { policy = "read" }`);
      } else {
        errors.push(`${s.where}: unknown rule "${s.kind}"`);
      }
      continue;
    }
    if (IGNORED_BLOCKS.has(s.kind)) {
      warnings.push(`${s.where}: "${s.kind}" rules are ignored (Switchboard has no key/value store, sessions, events or prepared queries)`);
      continue;
    }
    if (!named) {
      errors.push(`${s.where}: unknown rule "${s.kind}"`);
      continue;
    }
    const rule: NamedRule = { name: s.label, prefix: named.prefix };
    for (const a of s.attrs) {
      if (a.key === 'policy') rule.policy = level(a.value, a.where, 'policy', errors);
      else if (a.key === 'intentions' && named.target === 'service') rule.intentions = level(a.value, a.where, 'intentions', errors);
      else errors.push(`${a.where}: unknown field "${a.key}" in ${s.kind} "${s.label}"`);
    }
    if (rule.policy === undefined && rule.intentions === undefined && !s.attrs.some((a) => a.key === 'policy' || a.key === 'intentions')) {
      errors.push(`${s.where}: ${s.kind} "${s.label}" needs a policy`);
      continue;
    }
    rules[named.target].push(rule);
  }
  return rules;
}

/** Parses rules text (HCL, or JSON when it starts with `{`); errors name the line or field. */
export function parseRules(text: string): ParseRulesResult {
  const errors: string[] = [];
  const warnings: string[] = [];
  let stanzas: Stanza[];
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(trimmed);
    } catch (err) {
      return { ok: false, errors: [`rules: invalid JSON: ${(err as Error).message}`] };
    }
    stanzas = stanzasFromJson(doc, errors);
  } else {
    let items: HclItem[];
    try {
      items = parseHcl(text);
    } catch (err) {
      return { ok: false, errors: [(err as Error).message] };
    }
    stanzas = stanzasFromHcl(items, errors);
  }
  const value = collect(stanzas, errors, warnings);
  return errors.length ? { ok: false, errors } : { ok: true, value, warnings };
}
