import { describe, expect, it } from 'vitest';
import { buildAuthorizer, parseRules, serviceIdentityRules, type PolicyRules } from '../../policy/acl/index.ts';

function rules(text: string): PolicyRules {
  const r = parseRules(text);
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.value;
}

describe('parseRules: HCL and JSON give the same rules', () => {
  const hcl = `
    # comment
    service "web" { policy = "write" intentions = "read" }
    service_prefix "" {
      policy = "read"
    }
    node_prefix "" { policy = "read" }  // trailing comment
    agent "a1" { policy = "write" }
    /* block
       comment */
    operator = "read"
    mesh = "write"
    acl = "deny"
  `;
  const json = JSON.stringify({
    service: { web: { policy: 'write', intentions: 'read' } },
    service_prefix: { '': { policy: 'read' } },
    node_prefix: { '': { policy: 'read' } },
    agent: { a1: { policy: 'write' } },
    operator: 'read',
    mesh: 'write',
    acl: 'deny',
  });
  it('parses both forms to equal rules', () => {
    const a = rules(hcl);
    expect(a).toEqual(rules(json));
    expect(a.service).toEqual([
      { name: 'web', prefix: false, policy: 'write', intentions: 'read' },
      { name: '', prefix: true, policy: 'read' },
    ]);
    expect(a.operator).toBe('read');
    expect(a.acl).toBe('deny');
  });
});

describe('parseRules: errors name the line or field', () => {
  const cases: [string, string, RegExp][] = [
    ['bad level (HCL)', 'service "web" {\n  policy = "wrte"\n}', /^line 2: policy must be "read", "write" or "deny", not "wrte"/],
    ['bad level (JSON)', '{"service": {"web": {"policy": "wrte"}}}', /^service\."web"\.policy: policy must be/],
    ['unknown field', 'service "web" {\n policy = "read"\n color = "red"\n}', /^line 3: unknown field "color" in service "web"/],
    ['unknown field (JSON)', '{"node": {"n1": {"policy": "read", "x": "y"}}}', /^node\."n1"\.x: unknown field "x"/],
    ['unknown rule', 'servce "web" { policy = "read" }', /^line 1: unknown rule "servce"/],
    ['missing name', 'service { policy = "read" }', /^line 1: service needs exactly one name/],
    ['unterminated string', 'service "web { policy = "read" }', /line 1, column \d+/],
    ['missing brace', 'service "web" {\n policy = "read"\n', /^line 3, column \d+: missing "}"/],
    ['intentions on node', 'node "n" { intentions = "read" }', /unknown field "intentions" in node "n"/],
    ['operator level', 'operator = "admin"', /^line 1: operator must be "read", "write" or "deny", not "admin"/],
    ['scalar for a block kind', 'service = "read"', /^line 1: service needs a name and a block/],
    ['bad JSON', '{"service": ', /^rules: invalid JSON/],
    ['no policy', 'service "web" {}', /needs a policy/],
  ];
  it.each(cases)('%s', (_name, text, want) => {
    const r = parseRules(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatch(want);
  });

  it('accepts key_prefix and keyring but ignores them with a warning', () => {
    const r = parseRules('key_prefix "" { policy = "write" }\nkeyring = "read"\nservice "a" { policy = "read" }');
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.warnings).toHaveLength(2);
      expect(r.warnings[0]).toMatch(/line 1: "key_prefix" rules are ignored/);
      expect(r.value.service).toHaveLength(1);
    }
  });
});

describe('authorizer precedence', () => {
  const policy = rules(`
    service_prefix "" { policy = "read" }
    service_prefix "web" { policy = "deny" }
    service_prefix "web-a" { policy = "write" }
    service "web-api" { policy = "write" }
    service "db" { policy = "deny" }
    node_prefix "" { policy = "read" }
    node "secret" { policy = "deny" }
  `);
  const authz = buildAuthorizer([policy], 'deny');
  const table: [string, string, 'read' | 'write', boolean][] = [
    ['exact write beats the prefix deny', 'web-api', 'write', true],
    ['longest prefix (web-a write) beats shorter (web deny)', 'web-admin', 'write', true],
    ['prefix web denies', 'web-db', 'read', false],
    ['empty prefix reads anything else', 'api', 'read', true],
    ['read does not give write', 'api', 'write', false],
    ['exact deny beats the empty prefix', 'db', 'read', false],
  ];
  it.each(table)('%s', (_n, name, access, want) => {
    expect(authz.allows('service', name, access)).toBe(want);
  });
  it('nodes have their own rules', () => {
    expect(authz.allows('node', 'n1', 'read')).toBe(true);
    expect(authz.allows('node', 'secret', 'read')).toBe(false);
    expect(authz.allows('node', 'n1', 'write')).toBe(false);
  });

  it('deny wins at equal specificity across policies, write beats read', () => {
    const a = rules('service "web" { policy = "write" }');
    const b = rules('service "web" { policy = "deny" }');
    const c = rules('service "web" { policy = "read" }');
    expect(buildAuthorizer([a, b], 'deny').allows('service', 'web', 'read')).toBe(false);
    expect(buildAuthorizer([c, a], 'deny').allows('service', 'web', 'write')).toBe(true);
    const p1 = rules('service_prefix "w" { policy = "write" }');
    const p2 = rules('service_prefix "w" { policy = "deny" }');
    expect(buildAuthorizer([p1, p2], 'deny').allows('service', 'web', 'read')).toBe(false);
  });

  it('default policy decides where no rule matches; acl is never granted by default', () => {
    const empty = rules('');
    expect(buildAuthorizer([empty], 'deny').allows('service', 'x', 'read')).toBe(false);
    expect(buildAuthorizer([empty], 'allow').allows('service', 'x', 'write')).toBe(true);
    expect(buildAuthorizer([empty], 'allow').allowsGlobal('operator', 'write')).toBe(true);
    expect(buildAuthorizer([empty], 'allow').allowsGlobal('acl', 'read')).toBe(false);
  });

  it('intentions: explicit level, else read from a read/write service rule, deny from a deny rule', () => {
    const a = buildAuthorizer([rules('service "web" { policy = "read" intentions = "write" }\nservice "api" { policy = "write" }\nservice "db" { policy = "deny" }')], 'deny');
    expect(a.allows('intentions', 'web', 'write')).toBe(true);
    expect(a.allows('intentions', 'api', 'read')).toBe(true);
    expect(a.allows('intentions', 'api', 'write')).toBe(false);
    expect(a.allows('intentions', 'db', 'read')).toBe(false);
  });

  it('mesh falls back to operator; operator does not follow mesh', () => {
    expect(buildAuthorizer([rules('operator = "write"')], 'deny').allowsGlobal('mesh', 'write')).toBe(true);
    expect(buildAuthorizer([rules('operator = "write"\nmesh = "read"')], 'deny').allowsGlobal('mesh', 'write')).toBe(false);
    expect(buildAuthorizer([rules('mesh = "write"')], 'deny').allowsGlobal('operator', 'read')).toBe(false);
  });

  it('a service identity writes its service and sidecar, reads every service and node', () => {
    const a = buildAuthorizer([serviceIdentityRules('web')], 'deny');
    expect(a.allows('service', 'web', 'write')).toBe(true);
    expect(a.allows('service', 'web-sidecar-proxy', 'write')).toBe(true);
    expect(a.allows('service', 'api', 'read')).toBe(true);
    expect(a.allows('service', 'api', 'write')).toBe(false);
    expect(a.allows('node', 'any', 'read')).toBe(true);
    expect(a.allows('node', 'any', 'write')).toBe(false);
    expect(a.allowsGlobal('operator', 'read')).toBe(false);
  });
});
