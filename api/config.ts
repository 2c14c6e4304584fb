/**
 * `/v1/config`: write, read, list and delete config entries (proxy-defaults,
 * service-defaults, service-router, service-splitter, service-resolver,
 * service-intentions). Every write is validated on its own and against the
 * stored entries it interacts with; nothing is stored when either fails.
 */
import type { FastifyPluginAsync } from 'fastify';
import { topic, type CatalogOp, type ConfigEntryRecord } from '../catalog/index.ts';
import {
  ConfigEntrySet,
  entryLabel,
  validateConfigEntryDelete,
  validateConfigEntryWrite,
  validateServiceIntentions,
  type ConfigEntry,
  type ConfigEntryKind,
} from '../policy/index.ts';
import { blockingReads } from './blocking.ts';
import { throwIfRefused } from './catalog-deps.ts';
import {
  ConfigEntries,
  INTENTIONS_KIND,
  entryJson,
  intentionProtocolErrors,
  requireDefaultNamespace,
  requireKind,
  storedBody,
  type ConfigApiDeps,
} from './config-state.ts';
import { blockingQuerySchema, configEntryBodySchema, configEntryParams, configKindParams, configWriteQuerySchema } from './config-schemas.ts';
import { badRequest, notFound } from './errors.ts';
import { filterFromQuery } from './filter-param.ts';

interface WriteQuery {
  cas?: string;
}

/** The validated entry ready to store, or a 400 naming every problem. */
function planWrite(entries: ConfigEntries, body: Record<string, unknown>, datacenter: string): { kind: string; name: string; body: Record<string, unknown> } {
  const rawKind = body['Kind'] ?? body['kind'];
  if (typeof rawKind === 'string' && rawKind.toLowerCase() === INTENTIONS_KIND) {
    const name = typeof body['Name'] === 'string' ? body['Name'] : '';
    const v = validateServiceIntentions({ ...body, Kind: INTENTIONS_KIND }, { protocol: name ? entries.protocolOf(name) : undefined });
    if (!v.ok) throw badRequest(`${entryLabel(INTENTIONS_KIND, name)}: ${v.errors.join('; ')}`);
    requireDefaultNamespace(v.value.Namespace, entryLabel(INTENTIONS_KIND, v.value.Name));
    return { kind: INTENTIONS_KIND, name: v.value.Name, body: storedBody(v.value) };
  }
  const existing = entries.chainEntries();
  const v = validateConfigEntryWrite(body, existing, { datacenter });
  if (!v.ok) throw badRequest(v.errors.join('; '));
  const entry = v.value;
  requireDefaultNamespace(entry.Namespace, entryLabel(entry.Kind, entry.Name));
  if (entry.Kind === 'service-defaults' || entry.Kind === 'proxy-defaults') {
    const errors = intentionProtocolErrors(
      { kind: entry.Kind, name: entry.Name, deleting: false },
      new ConfigEntrySet(existing),
      new ConfigEntrySet([...existing, entry]),
      entries.allIntentionEntries(),
    );
    if (errors.length > 0) throw badRequest(errors.join('; '));
  }
  return { kind: entry.Kind, name: entry.Name, body: storedBody(entry) };
}

/** Checks that deleting an entry breaks no chain and no L7 intention; a 400 naming what would break. */
function checkDelete(entries: ConfigEntries, kind: string, name: string, datacenter: string): void {
  if (kind === INTENTIONS_KIND) return;
  const k = kind as ConfigEntryKind;
  const existing = entries.chainEntries();
  const v = validateConfigEntryDelete(k, name, undefined, existing, { datacenter });
  if (!v.ok) throw badRequest(v.errors.join('; '));
  if (k === 'service-defaults' || k === 'proxy-defaults') {
    const remaining = existing.filter((e: ConfigEntry) => !(e.Kind === k && e.Name === name));
    const errors = intentionProtocolErrors({ kind: k, name, deleting: true }, new ConfigEntrySet(existing), new ConfigEntrySet(remaining), entries.allIntentionEntries());
    if (errors.length > 0) throw badRequest(errors.join('; '));
  }
}

/** The `/v1/config` routes over the store's config entries. */
export const configRoutes: FastifyPluginAsync<{ deps: ConfigApiDeps; entries: ConfigEntries }> = async (app, { deps, entries }) => {
  const { store } = deps;
  const blocking = blockingReads(app, store);

  app.put<{ Body: Record<string, unknown>; Querystring: WriteQuery }>(
    '/v1/config',
    { schema: { body: configEntryBodySchema, querystring: configWriteQuerySchema } },
    async (req) => {
      const cas = req.query.cas === undefined ? undefined : Number(req.query.cas);
      return entries.serialize(async () => {
        const plan = planWrite(entries, req.body, deps.datacenter);
        const r = await store.apply([{ op: 'setConfigEntry', kind: plan.kind, name: plan.name, body: plan.body, ...(cas !== undefined ? { casIndex: cas } : {}) }]);
        // A lost compare-and-swap is an answer, not an error (as Consul): the client re-reads and retries.
        if (!r.ok && r.reason === 'cas-failed' && cas !== undefined) return false;
        throwIfRefused(r);
        return true;
      });
    },
  );

  app.get<{ Params: { kind: string }; Querystring: { filter?: string } }>(
    '/v1/config/:kind',
    { schema: { params: configKindParams, querystring: blockingQuerySchema } },
    async (req, reply) => {
      const kind = requireKind(req.params.kind);
      const keep = filterFromQuery(req.query.filter);
      return blocking(req, reply, () => ({
        topics: [topic.configKind(kind)],
        body: store.listConfigEntries(kind).map(entryJson).filter(keep),
      }));
    },
  );

  app.get<{ Params: { kind: string; name: string } }>(
    '/v1/config/:kind/:name',
    { schema: { params: configEntryParams, querystring: blockingQuerySchema } },
    async (req, reply) => {
      const kind = requireKind(req.params.kind);
      const { name } = req.params;
      const rec = await blocking<ConfigEntryRecord | undefined>(req, reply, () => ({
        topics: [topic.configEntry(kind, name)],
        body: store.getConfigEntry(kind, name),
      }));
      if (!rec) throw notFound(`Config entry not found for ${entryLabel(kind, name)}`);
      return entryJson(rec);
    },
  );

  app.delete<{ Params: { kind: string; name: string }; Querystring: WriteQuery }>(
    '/v1/config/:kind/:name',
    { schema: { params: configEntryParams, querystring: configWriteQuerySchema } },
    async (req) => {
      const kind = requireKind(req.params.kind);
      const { name } = req.params;
      const cas = req.query.cas === undefined ? undefined : Number(req.query.cas);
      return entries.serialize(async () => {
        checkDelete(entries, kind, name, deps.datacenter);
        const op: CatalogOp = { op: 'deleteConfigEntry', kind, name, ...(cas !== undefined ? { casIndex: cas } : {}) };
        const r = await store.apply([op]);
        if (cas !== undefined) {
          if (!r.ok && r.reason === 'cas-failed') return false;
          throwIfRefused(r);
          return true;
        }
        throwIfRefused(r);
        // Consul answers a plain delete with an empty object and a CAS delete with a boolean.
        return {};
      });
    },
  );
};
