/**
 * Shared (frozen) parts are checked and encoded once and framed into each
 * resource that contains them: the bytes must be exactly protobufjs's
 * encoding of the whole object, and a bad part must still be refused with the
 * field named, in every resource that carries it.
 */
import { describe, expect, it } from 'vitest';
import { encodeResource, InvalidResourceError, SnapshotCache } from '../../xds/cache/index.ts';
import { encodeMessage } from '../../xds/cache/encode-message.ts';
import { messageType } from '../../xds/protos.ts';
import { LISTENER_TYPE } from '../../xds/type-urls.ts';
import { validateResource } from '../../xds/validate/index.ts';

const LISTENER = 'envoy.config.listener.v3.Listener';

function chain(cluster: string): Record<string, unknown> {
  return {
    filters: [
      {
        name: 'envoy.filters.network.tcp_proxy',
        typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy', stat_prefix: 'in', cluster },
      },
    ],
  };
}

function listener(name: string, port: number, chains: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    address: { socket_address: { address: '10.0.0.1', port_value: port } },
    filter_chains: chains,
    traffic_direction: 'INBOUND',
    ...extra,
  };
}

/** protobufjs's encoding of the object with nothing frozen (a deep copy). */
function plain(obj: Record<string, unknown>): Uint8Array {
  const type = messageType(LISTENER);
  return type.encode(type.fromObject(JSON.parse(JSON.stringify(obj)))).finish();
}

describe('encoding with shared parts', () => {
  it('gives the bytes of the whole object, with parts among fields numbered before and after them', () => {
    const shared = Object.freeze(chain('local_app'));
    const address = Object.freeze({ socket_address: { address: '10.0.0.2', port_value: 20000 } });
    const cases = [
      listener('a', 1, [shared]),
      listener('b', 2, [shared, Object.freeze(chain('other'))], { stat_prefix: 'p', per_connection_buffer_limit_bytes: { value: 1024 } }),
      { ...listener('c', 3, [shared]), address },
      listener('d', 4, [shared, chain('not frozen')]), // a list with an unfrozen item is encoded the plain way
    ];
    for (const obj of cases) expect(Buffer.from(encodeMessage(messageType(LISTENER), obj)).equals(Buffer.from(plain(obj)))).toBe(true);
    expect(encodeResource(LISTENER_TYPE, cases[0]!).version).toBe(encodeResource(LISTENER_TYPE, JSON.parse(JSON.stringify(cases[0]))).version);
  });

  it('refuses a bad field inside a shared part, naming it, in every resource that carries it', () => {
    const bad = Object.freeze({ filters: [], filter_chain_mach: {} });
    for (const name of ['x', 'y']) {
      let err: unknown;
      try {
        encodeResource(LISTENER_TYPE, listener(name, 5, [bad]));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InvalidResourceError);
      expect((err as Error).message).toContain(`"${name}"`);
      expect((err as Error).message).toContain('filter_chains[0].filter_chain_mach');
    }
  });

  it('recognises equal content across listeners sharing a part, and tells different parts apart', () => {
    const cache = new SnapshotCache();
    const shared = Object.freeze(chain('local_app'));
    const one = cache.encode(LISTENER_TYPE, listener('l', 1, [shared]));
    const again = cache.encode(LISTENER_TYPE, listener('l', 1, [shared]));
    const equalPart = cache.encode(LISTENER_TYPE, listener('l', 1, [Object.freeze(chain('local_app'))]));
    const otherPart = cache.encode(LISTENER_TYPE, listener('l', 1, [Object.freeze(chain('elsewhere'))]));
    expect(again).toBe(one);
    expect(equalPart).toBe(one);
    expect(otherPart.version).not.toBe(one.version);
    expect(cache.stats().encodings).toBe(2);
  });
});

describe('validation of shared parts', () => {
  it('reports a violation inside a frozen part in every resource, not only the first', () => {
    // PGV: a filter's name must not be empty (min_len 1).
    const bad = Object.freeze({ filters: [{ name: '', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy', stat_prefix: 'in', cluster: 'c' } }] });
    for (const name of ['p', 'q']) {
      const r = validateResource(LISTENER_TYPE, listener(name, 6, [bad]));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.violations.map((v) => v.path)).toContain('filter_chains[0].filters[0].name');
    }
  });

  it('takes a clean frozen part as clean again without changing the verdict on the rest', () => {
    const good = Object.freeze(chain('local_app'));
    expect(validateResource(LISTENER_TYPE, listener('r', 7, [good])).ok).toBe(true);
    const r = validateResource(LISTENER_TYPE, { ...listener('s', 8, [good]), address: { socket_address: { address: '10.0.0.1', port_value: 70000 } } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.violations.map((v) => v.path)).toEqual(['address.socket_address.port_value']);
  });
});
