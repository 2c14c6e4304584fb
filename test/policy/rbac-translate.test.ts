import { describe, expect, it } from 'vitest';
import { compileIntentions, type Intention } from '../../policy/index.ts';
import { messageType } from '../../xds/protos.ts';
import { allowsEverything, httpRbacFilter, networkRbacFilter, rbacRules, spiffePrincipalRegex } from '../../xds/resources/rbac.ts';
import { validateResource } from '../../xds/validate/index.ts';
import { buildProxyResources } from '../../xds/resources/index.ts';
import { GOLDEN_CASES } from '../resources/fixtures.ts';
import { ixn } from './intentions-helpers.ts';
import { rbacAllows } from './rbac-interpreter.ts';

const TD = '11111111-2222-3333-4444-555555555555.consul';
const uri = (svc: string, dc = 'dc1', ns = 'default', td = TD): string => `spiffe://${td}/ns/${ns}/dc/${dc}/svc/${svc}`;
const compile = (ixns: Intention[], defaultAllow: boolean, protocol = 'tcp') =>
  compileIntentions(ixns, { destination: { name: 'api' }, defaultAllow, protocol, trustDomain: TD });
const re = (svc: string): Record<string, unknown> => ({ authenticated: { principal_name: { safe_regex: { regex: spiffePrincipalRegex(TD, { namespace: 'default', name: svc }) } } } });

describe('flattening into RBAC', () => {
  it('default deny; allow *→api; deny web→api → ALLOW policy "* AND NOT web"', () => {
    const auth = compile([ixn('*', 'api', 'allow'), ixn('web', 'api', 'deny')], false);
    expect(rbacRules(auth, false)).toEqual({
      action: 'ALLOW',
      policies: {
        'consul-intentions-layer4': { permissions: [{ any: true }], principals: [{ and_ids: { ids: [re('*'), { not_id: re('web') }] } }] },
      },
    });
    const rules = rbacRules(auth, false);
    expect(rbacAllows(rules, { principal: uri('web') })).toBe(false);
    expect(rbacAllows(rules, { principal: uri('billing', 'dc2') })).toBe(true);
  });

  it('default allow; deny *→api; allow web→api → DENY policy "* AND NOT web"', () => {
    const rules = rbacRules(compile([ixn('*', 'api', 'deny'), ixn('web', 'api', 'allow')], true), false);
    expect(rules['action']).toBe('DENY');
    expect(rbacAllows(rules, { principal: uri('web') })).toBe(true);
    expect(rbacAllows(rules, { principal: uri('billing') })).toBe(false);
  });

  it('principal regexes: exact and wildcard sources, any datacenter, quoted trust domain', () => {
    expect(spiffePrincipalRegex(TD, { namespace: 'default', name: 'web' })).toBe(
      '^spiffe://11111111-2222-3333-4444-555555555555\\.consul/ns/default/dc/[^/]+/svc/web$',
    );
    expect(spiffePrincipalRegex(TD, { namespace: 'default', name: '*' })).toBe(
      '^spiffe://11111111-2222-3333-4444-555555555555\\.consul/ns/default/dc/[^/]+/svc/[^/]+$',
    );
    expect(spiffePrincipalRegex(TD, { namespace: '*', name: '*' })).toBe(
      '^spiffe://11111111-2222-3333-4444-555555555555\\.consul/ns/[^/]+/dc/[^/]+/svc/[^/]+$',
    );
    const rules = rbacRules(compile([ixn('*', 'api', 'allow')], false), false);
    expect(rbacAllows(rules, { principal: uri('web', 'dc9') })).toBe(true);
    // Another trust domain, or a look-alike made of the dot the regex must quote, is not a principal.
    expect(rbacAllows(rules, { principal: uri('web', 'dc1', 'default', 'other.consul') })).toBe(false);
    expect(rbacAllows(rules, { principal: uri('web', 'dc1', 'default', TD.replace('.consul', 'xconsul')) })).toBe(false);
    expect(rbacAllows(rules, { principal: uri('web', 'dc1', 'team') })).toBe(false);
  });

  it('a shadowed intention emits nothing: *→api governs web before web→*', () => {
    const auth = compile([ixn('*', 'api', 'deny'), ixn('web', '*', 'allow')], false);
    expect(auth.rules).toEqual({ trustDomain: TD, l4: [], l7: [] });
    expect(rbacRules(auth)).toEqual({ action: 'ALLOW', policies: {} });
  });

  it('an intention with permissions on a TCP destination is a deny', () => {
    const l7 = ixn('web', 'api', [{ Action: 'allow', HTTP: { PathPrefix: '/' } }]);
    const allowList = rbacRules(compile([l7, ixn('*', 'api', 'allow')], false), false);
    expect(rbacAllows(allowList, { principal: uri('web') })).toBe(false);
    expect(rbacAllows(allowList, { principal: uri('db') })).toBe(true);
    const denyList = rbacRules(compile([l7], true), false);
    expect(rbacAllows(denyList, { principal: uri('web') })).toBe(false);
    expect(rbacAllows(denyList, { principal: uri('db') })).toBe(true);
  });

  it('L7 permissions become url_path and header rules, later ones narrowed by earlier opposite ones', () => {
    const auth = compile(
      [
        ixn('web', 'api', [
          { Action: 'deny', HTTP: { PathExact: '/admin/x' } },
          { Action: 'allow', HTTP: { PathPrefix: '/admin', Methods: ['GET', 'HEAD'], Header: [{ Name: 'X-Env', Exact: 'prod', Invert: true }] } },
        ]),
      ],
      false,
      'http',
    );
    expect(rbacRules(auth)['policies']).toEqual({
      'consul-intentions-layer7-0': {
        principals: [re('web')],
        permissions: [
          {
            and_rules: {
              rules: [
                { url_path: { path: { prefix: '/admin' } } },
                { header: { name: ':method', string_match: { safe_regex: { regex: '(?:GET|HEAD)' } } } },
                { not_rule: { header: { name: 'x-env', string_match: { exact: 'prod' } } } },
                { not_rule: { url_path: { path: { exact: '/admin/x' } } } },
              ],
            },
          },
        ],
      },
    });
  });

  it('allowsEverything only for default allow without denies', () => {
    expect(allowsEverything({ defaultAllow: true })).toBe(true);
    expect(allowsEverything(compile([ixn('web', 'api', 'allow')], true))).toBe(true);
    expect(allowsEverything(compile([ixn('web', 'api', 'deny')], true))).toBe(false);
    expect(allowsEverything(compile([], false))).toBe(false);
  });
});

describe('RBAC filters encode with Envoy protos and pass validate.rules', () => {
  const sets: [string, Intention[], boolean, string][] = [
    ['L4 allow-list', [ixn('*', 'api', 'allow'), ixn('web', 'api', 'deny'), ixn('*/*', '*', 'allow')], false, 'tcp'],
    ['L4 deny-list', [ixn('*', 'api', 'deny'), ixn('web', 'api', 'allow')], true, 'tcp'],
    ['L7 allow-list', [ixn('web', 'api', [{ Action: 'deny', HTTP: { PathRegex: '/a|/b' } }, { Action: 'allow', HTTP: { Header: [{ Name: 'x', Present: true }, { Name: 'y', Suffix: 'z' }] } }]), ixn('*', 'api', 'allow')], false, 'http'],
    ['L7 deny-list', [ixn('web', 'api', [{ Action: 'allow', HTTP: { Methods: ['GET'] } }, { Action: 'deny', HTTP: { PathPrefix: '/' } }])], true, 'grpc'],
  ];
  for (const [name, ixns, defaultAllow, protocol] of sets) {
    it(name, () => {
      const auth = compile(ixns, defaultAllow, protocol);
      const filter = protocol === 'tcp' ? networkRbacFilter(auth, 'public_listener') : httpRbacFilter(auth);
      const config = filter['typed_config'] as Record<string, unknown>;
      const typeName = String(config['@type']).split('/')[1] ?? '';
      const { '@type': _t, ...body } = config;
      const T = messageType(typeName);
      const back = T.toObject(T.decode(T.encode(T.fromObject(body)).finish()), { enums: String, json: true });
      expect(back['rules']).toEqual(body['rules']);
      const v = validateResource(typeName, body);
      expect(v.ok ? [] : v.violations).toEqual([]);
    });
  }
});

describe('listeners carrying compiled intentions pass validate.rules', () => {
  for (const [name, snapshot] of Object.entries(GOLDEN_CASES).filter(([n]) => n.includes('intentions'))) {
    it(name, () => {
      for (const l of buildProxyResources(snapshot).listeners) {
        const v = validateResource('envoy.config.listener.v3.Listener', l.resource);
        expect(v.ok ? [] : v.violations).toEqual([]);
      }
    });
  }
});
