/**
 * Differential test: for seeded random intention sets and requests, the RBAC
 * config Switchboard emits, run by two evaluators — our strict interpreter
 * and gRPC's own xDS RBAC engine (@grpc/grpc-js-xds) — decides exactly as the
 * intention semantics do (checkIntention for L4, evaluateL7 for HTTP).
 */
import { createRequire } from 'node:module';
import { Metadata } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { checkIntention, compileIntentions, evaluateL7, type Intention } from '../../policy/index.ts';
import { messageType } from '../../xds/protos.ts';
import { rbacRules } from '../../xds/resources/rbac.ts';
import { rbacAllows } from './rbac-interpreter.ts';
import { Gen, prng, randomIntentions, randomRequest } from './rbac-random.ts';

const TD = '11111111-2222-3333-4444-555555555555.consul';
const DEST = { name: 'api', namespace: 'default' };
const SEED = Number(process.env.RBAC_SEED ?? 20240611);
const SETS = 300;
const REQUESTS_PER_SET = 20;

interface GrpcPolicyGroup {
  apply(info: unknown): boolean;
}
const require = createRequire(import.meta.url);
const grpcRbac = require('@grpc/grpc-js-xds/build/src/rbac.js') as { parseConfig(rules: unknown): GrpcPolicyGroup };

/** The rules as gRPC's xDS client hands them to its RBAC engine: encoded, decoded, oneofs named. */
function asGrpcSees(rules: Record<string, unknown>): unknown {
  const T = messageType('envoy.config.rbac.v3.RBAC');
  return T.toObject(T.decode(T.encode(T.fromObject(rules)).finish()), { longs: String, enums: String, defaults: true, oneofs: true });
}

function describeCase(ixns: Intention[], defaultAllow: boolean, protocol: string): string {
  return JSON.stringify({ defaultAllow, protocol, intentions: ixns.map((i) => [`${i.SourceNS}/${i.SourceName}>${i.DestinationNS}/${i.DestinationName}`, i.Action || i.Permissions]) });
}

describe(`emitted RBAC agrees with intention semantics (seed ${SEED})`, () => {
  it(`${SETS} random intention sets × ${REQUESTS_PER_SET} requests, L4 and L7`, () => {
    const g = new Gen(prng(SEED));
    let checked = 0;
    let l7Rules = 0;
    for (let s = 0; s < SETS; s++) {
      const ixns = randomIntentions(g);
      const defaultAllow = g.chance(0.5);
      const protocol = g.pick(['tcp', 'http', 'grpc']);
      const http = protocol !== 'tcp';
      const auth = compileIntentions(ixns, { destination: DEST, defaultAllow, protocol, trustDomain: TD });
      l7Rules += auth.rules.l7.length;
      const rules = rbacRules(auth, http);
      // gRPC's engine compiles every regex afresh (~10 ms a config), so it sees every third set.
      const grpc = http && s % 3 === 0 ? grpcRbac.parseConfig(asGrpcSees(rules)) : undefined;
      for (let r = 0; r < REQUESTS_PER_SET; r++) {
        const req = randomRequest(g);
        const uri = `spiffe://${TD}/ns/${req.source.namespace}/dc/${req.dc}/svc/${req.source.name}`;
        const want = http
          ? evaluateL7(ixns, req.source, DEST, { path: req.path, method: req.method, headers: req.headers }, defaultAllow).Allowed
          : checkIntention(ixns, req.source, DEST, defaultAllow).Allowed;
        const headers = { ...req.headers, ':method': req.method, ':path': req.path };
        const got = rbacAllows(rules, http ? { principal: uri, path: req.path, headers } : { principal: uri });
        const where = `${describeCase(ixns, defaultAllow, protocol)} request ${JSON.stringify(req)}`;
        expect(got, `interpreter: ${where}`).toBe(want);
        if (grpc) {
          const md = new Metadata();
          for (const [k, v] of Object.entries(req.headers)) md.set(k, v);
          md.set(':method', req.method);
          const info = {
            headers: md,
            urlPath: req.path.split('?')[0],
            tls: true,
            peerCertificate: { subjectaltname: `URI:${uri}`, subject: {} },
            destinationIp: '127.0.0.1',
            destinationPort: 50051,
            sourceIp: '127.0.0.1',
          };
          expect(grpc.apply(info), `grpc-js-xds: ${where}`).toBe(want);
        }
        checked++;
      }
    }
    expect(checked).toBe(SETS * REQUESTS_PER_SET);
    // The generator must actually exercise L7 flattening.
    expect(l7Rules).toBeGreaterThan(SETS / 10);
  });
});
