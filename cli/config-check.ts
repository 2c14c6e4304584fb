/**
 * The validation `switchboard validate` applies to config files: the same
 * functions the HTTP API runs on writes (policy's config-entry, entry-set and
 * intention validators; the agent API's JSON schema for service definitions),
 * applied to the whole set at once, with every problem traced to its file.
 */
import { Ajv, type ErrorObject } from 'ajv';
import { agentServiceSchema } from '../api/catalog-schemas.ts';
import { requireDefaultNamespace } from '../api/config-state.ts';
import type { AgentServiceDefinition } from '../catalog/index.ts';
import {
  ConfigEntrySet,
  compileDiscoveryChain,
  crossEntryErrors,
  entryKey,
  entryLabel,
  validateConfigEntry,
  validateServiceIntentions,
  type ConfigEntry,
  type ServiceIntentionsEntry,
} from '../policy/index.ts';
import type { ConfigDocument, Problem } from './config-files.ts';

/** What survived validation, each with the document it came from, and every problem found. */
export interface CheckedConfig {
  entries: { doc: ConfigDocument; entry: ConfigEntry }[];
  intentions: { doc: ConfigDocument; entry: ServiceIntentionsEntry }[];
  services: { doc: ConfigDocument; def: AgentServiceDefinition }[];
  /** Discovery chains compiled (one per service named anywhere). */
  chainsCompiled: number;
  problems: Problem[];
}

const LABEL = /^([a-z-]+ "(?:[^"\\]|\\.)*"): ([\s\S]*)$/;
// `Field.Path: message`, or `Field.Path "value" must ...` as some validators word it.
const FIELD = /^([A-Za-z_][\w.[\]*-]*)(?:: | (?="))([\s\S]*)$/;

/** Splits `kind "name": Field.Path: message` into a problem. */
export function problemFromMessage(file: string, fallbackEntry: string, msg: string): Problem {
  const labelled = LABEL.exec(msg);
  const entry = labelled ? labelled[1]! : fallbackEntry;
  const rest = labelled ? labelled[2]! : msg;
  const f = FIELD.exec(rest);
  return f ? { file, entry, field: f[1]!, message: f[2]! } : { file, entry, message: rest };
}

// The agent API's schema, compiled with fastify's defaults (coercion, defaults,
// dropped additional properties) so a file is read as the API would read it.
let serviceValidator: ReturnType<Ajv['compile']> | undefined;
function validateServiceSchema(def: Record<string, unknown>): ErrorObject[] {
  serviceValidator ??= new Ajv({ coerceTypes: 'array', useDefaults: true, removeAdditional: true, allErrors: true }).compile(agentServiceSchema);
  return serviceValidator(def) ? [] : [...(serviceValidator.errors ?? [])];
}

/** `/Checks/0/TTL` → `Checks[0].TTL`. */
function fieldOfPointer(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc === '' ? p : `${acc}.${p}`), '');
}

function schemaProblem(file: string, entry: string, e: ErrorObject): Problem {
  const missing = e.keyword === 'required' ? String((e.params as { missingProperty?: string }).missingProperty ?? '') : '';
  const base = fieldOfPointer(e.instancePath);
  const field = missing ? (base ? `${base}.${missing}` : missing) : base;
  const message = missing ? 'is required' : (e.message ?? e.keyword);
  return field ? { file, entry, field, message } : { file, entry, message };
}

/** The API's namespace rule (only "default" exists), as a problem instead of an HTTP error. */
function namespaceProblem(file: string, namespace: string | undefined, label: string): Problem | undefined {
  try {
    requireDefaultNamespace(namespace, label);
    return undefined;
  } catch (err) {
    return problemFromMessage(file, label, (err as Error).message);
  }
}

/** `service "web"` for messages about a service definition. */
export function serviceLabel(v: Record<string, unknown>): string {
  const id = v['ID'] ?? v['Name'];
  return `service ${JSON.stringify(typeof id === 'string' ? id : '')}`;
}

/** Every service name a config set mentions: entries, intentions' destinations, services and their upstreams. */
function namedServices(c: Omit<CheckedConfig, 'chainsCompiled' | 'problems'>): string[] {
  const names = new Set<string>();
  for (const { entry } of c.entries) if (entry.Kind !== 'proxy-defaults') names.add(entry.Name);
  for (const { entry } of c.intentions) if (entry.Name !== '*') names.add(entry.Name);
  for (const { def } of c.services) {
    for (const d of [def, def.Connect?.SidecarService]) {
      if (!d) continue;
      if (d.Kind !== 'connect-proxy' && d === def && def.Name) names.add(def.Name);
      for (const u of d.Proxy?.Upstreams ?? []) if (u.DestinationName) names.add(u.DestinationName);
    }
  }
  return [...names].sort();
}

/** Validates every document as the HTTP API would on write, then the set as a whole. */
export function checkConfigDocuments(docs: readonly ConfigDocument[], opts: { datacenter: string }): CheckedConfig {
  const problems: Problem[] = [];
  const out: Omit<CheckedConfig, 'chainsCompiled' | 'problems'> = { entries: [], intentions: [], services: [] };
  const fileOfEntry = new Map<string, string>();

  for (const doc of docs.filter((d) => d.kind === 'config-entry')) {
    const r = validateConfigEntry(doc.value);
    if (!r.ok) {
      for (const e of r.errors) problems.push(problemFromMessage(doc.file, `object ${doc.index}`, e));
      continue;
    }
    const key = entryKey(r.value.Kind, r.value.Name, r.value.Namespace);
    const label = entryLabel(r.value.Kind, r.value.Name);
    const ns = namespaceProblem(doc.file, r.value.Namespace, label);
    if (ns) {
      problems.push(ns);
      continue;
    }
    const first = fileOfEntry.get(label);
    if (first !== undefined || out.entries.some((x) => entryKey(x.entry.Kind, x.entry.Name, x.entry.Namespace) === key)) {
      problems.push({ file: doc.file, entry: label, message: `defined more than once (also in ${first ?? doc.file}); keep one` });
      continue;
    }
    fileOfEntry.set(label, doc.file);
    out.entries.push({ doc, entry: r.value });
  }

  // Cross-entry rules and chain compilation need a set of individually valid entries;
  // with broken ones they would mostly echo those (as the API's set validation does).
  const set = new ConfigEntrySet(out.entries.map((e) => e.entry));
  const entriesBroken = problems.length > 0;
  const attribute = (msg: string): Problem => {
    const label = LABEL.exec(msg)?.[1];
    return problemFromMessage((label && fileOfEntry.get(label)) || out.entries[0]?.doc.file || '(config set)', 'config entries', msg);
  };
  if (!entriesBroken) {
    for (const e of crossEntryErrors(set, { datacenter: opts.datacenter })) problems.push(attribute(e));
  }

  const intentionFiles = new Map<string, string>();
  for (const doc of docs.filter((d) => d.kind === 'intentions')) {
    const name = typeof doc.value['Name'] === 'string' ? doc.value['Name'] : '';
    const label = entryLabel('service-intentions', name);
    // As the API does: the destination's protocol (a wildcard destination's is the global default).
    const protocol = name !== '' ? set.protocolOf(name) : undefined;
    const r = validateServiceIntentions({ ...doc.value, Kind: 'service-intentions' }, protocol ? { protocol } : {});
    if (!r.ok) {
      for (const e of r.errors) problems.push(problemFromMessage(doc.file, label, e));
      continue;
    }
    const ns = namespaceProblem(doc.file, r.value.Namespace, label);
    if (ns) {
      problems.push(ns);
      continue;
    }
    const first = intentionFiles.get(name);
    if (first !== undefined) {
      problems.push({ file: doc.file, entry: label, message: `defined more than once (also in ${first}); keep one` });
      continue;
    }
    intentionFiles.set(name, doc.file);
    out.intentions.push({ doc, entry: r.value });
  }

  for (const doc of docs.filter((d) => d.kind === 'service')) {
    const label = serviceLabel(doc.value);
    const def = structuredClone(doc.value);
    const errors = validateServiceSchema(def);
    if (errors.length > 0) {
      for (const e of errors) problems.push(schemaProblem(doc.file, label, e));
      continue;
    }
    out.services.push({ doc, def: def as AgentServiceDefinition });
  }

  let chainsCompiled = 0;
  if (!entriesBroken) {
    const seen = new Set(problems.map((p) => `${p.entry}: ${p.field ?? ''}: ${p.message}`));
    for (const service of namedServices(out)) {
      const r = compileDiscoveryChain({ service, datacenter: opts.datacenter, entries: set });
      chainsCompiled++;
      if (r.ok) continue;
      for (const e of r.errors) {
        const p = attribute(e);
        const key = `${p.entry}: ${p.field ?? ''}: ${p.message}`;
        if (!seen.has(key)) problems.push(p);
        seen.add(key);
      }
    }
  }
  return { ...out, chainsCompiled, problems };
}
