import { describe, expect, it } from 'vitest';
import { validateCheckDefinition } from '../../../catalog/health/index.ts';

const http = { CheckID: 'web-http', HTTP: 'http://127.0.0.1:8080/health', Interval: '10s' };

describe('validateCheckDefinition: accepted definitions', () => {
  it('fills in Consul defaults for an HTTP check', () => {
    const v = validateCheckDefinition({ ...http, ServiceID: 'web' });
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.value).toMatchObject({
      CheckID: 'web-http',
      Name: 'service:web',
      ServiceID: 'web',
      initialStatus: 'critical',
      successBeforePassing: 0,
      failuresBeforeCritical: 0,
      probe: { type: 'http', method: 'GET', intervalMs: 10_000, timeoutMs: 10_000, tlsSkipVerify: false },
    });
    expect(v.value.definition.Timeout).toBe('10s');
  });

  it('accepts snake_case keys and ID as an alias of CheckID', () => {
    const v = validateCheckDefinition({ id: 'db', name: 'db tcp', tcp: 'db.internal:5432', interval: '5s', timeout: '1s', failures_before_critical: 3 });
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.value.CheckID).toBe('db');
    expect(v.value.probe).toEqual({ type: 'tcp', host: 'db.internal', port: 5432, intervalMs: 5000, timeoutMs: 1000 });
    expect(v.value.failuresBeforeCritical).toBe(3);
    expect(v.value.failuresBeforeWarning).toBe(3); // defaults to FailuresBeforeCritical
  });

  it('splits a gRPC target into address and service, IPv6 included', () => {
    const v = validateCheckDefinition({ CheckID: 'g', GRPC: '[::1]:50051/pkg.Svc', Interval: '1s', GRPCUseTLS: true, TLSSkipVerify: true });
    expect(v.ok && v.value.probe).toMatchObject({ type: 'grpc', host: '::1', port: 50051, service: 'pkg.Svc', useTls: true, tlsSkipVerify: true });
  });

  it('takes a TTL check without Interval, with a given initial Status', () => {
    const v = validateCheckDefinition({ CheckID: 't', TTL: '30s', Status: 'passing' });
    expect(v.ok && v.value.probe).toEqual({ type: 'ttl', ttlMs: 30_000 });
    expect(v.ok && v.value.initialStatus).toBe('passing');
  });

  it('derives CheckID from Name as Consul does', () => {
    const v = validateCheckDefinition({ Name: 'mem', TTL: '1m' });
    expect(v.ok && v.value.CheckID).toBe('mem');
  });
});

describe('validateCheckDefinition: rejected definitions name the field', () => {
  it.each<[string, unknown, RegExp]>([
    ['not an object', 'x', /^Check: must be a JSON object/],
    ['no type', { CheckID: 'a', Interval: '10s' }, /^Check: one of HTTP, TCP, GRPC or TTL must be set/],
    ['two types', { ...http, TCP: 'a:1' }, /^Check: exactly one of HTTP, TCP, GRPC, TTL may be set, got HTTP and TCP/],
    ['script check', { CheckID: 'a', Args: ['/bin/true'], Interval: '10s' }, /^Check\.Args: unknown check type Script/],
    ['docker check', { CheckID: 'a', DockerContainerID: 'abc', Interval: '10s' }, /^Check\.DockerContainerID: unknown check type Docker/],
    ['h2ping check', { CheckID: 'a', H2PING: 'a:1', Interval: '10s' }, /^Check\.H2PING: unknown check type H2PING/],
    ['alias check', { CheckID: 'a', AliasService: 'web' }, /^Check\.AliasService: unknown check type Alias/],
    ['missing interval', { CheckID: 'a', HTTP: 'http://x/' }, /^Check\.Interval: required for HTTP checks/],
    ['missing interval tcp', { CheckID: 'a', TCP: 'x:1' }, /^Check\.Interval: required for TCP checks/],
    ['bad interval', { ...http, Interval: 'soon' }, /^Check\.Interval: invalid duration "soon"/],
    ['zero interval', { ...http, Interval: '0s' }, /^Check\.Interval: must be greater than zero/],
    ['negative timeout', { ...http, Timeout: '-1s' }, /^Check\.Timeout: must be greater than zero/],
    ['ftp url', { ...http, HTTP: 'ftp://x/' }, /^Check\.HTTP: "ftp:\/\/x\/" must be an http:\/\/ or https:\/\/ URL/],
    ['not a url', { ...http, HTTP: 'nope' }, /^Check\.HTTP: "nope" is not a valid URL/],
    ['http not a string', { ...http, HTTP: 42 }, /^Check\.HTTP: must be a string/],
    ['bad method', { ...http, Method: 'GE T' }, /^Check\.Method: "GE T" is not an HTTP method/],
    ['header not list', { ...http, Header: { 'X-A': 'b' } }, /^Check\.Header\.X-A: must be a list of single-line strings/],
    ['header injection', { ...http, Header: { 'X-A': ['a\r\nB: c'] } }, /^Check\.Header\.X-A: must be a list/],
    ['tcp no port', { CheckID: 'a', TCP: 'localhost', Interval: '1s' }, /^Check\.TCP: "localhost" must be host:port/],
    ['tcp port 0', { CheckID: 'a', TCP: 'localhost:0', Interval: '1s' }, /^Check\.TCP: port 0 out of range 1\.\.65535/],
    ['tcp port too big', { CheckID: 'a', TCP: 'localhost:65536', Interval: '1s' }, /^Check\.TCP: port 65536 out of range/],
    ['grpc no port', { CheckID: 'a', GRPC: 'svc/foo', Interval: '1s' }, /^Check\.GRPC: "svc" must be host:port/],
    ['bad ttl', { CheckID: 'a', TTL: '5' }, /^Check\.TTL: invalid duration "5": missing unit/],
    ['bad status', { ...http, Status: 'ok' }, /^Check\.Status: must be one of passing, warning, critical/],
    ['bad threshold', { ...http, SuccessBeforePassing: -1 }, /^Check\.SuccessBeforePassing: must be a non-negative integer/],
    ['fractional threshold', { ...http, FailuresBeforeCritical: 1.5 }, /^Check\.FailuresBeforeCritical: must be a non-negative integer/],
    ['bad deregister', { ...http, DeregisterCriticalServiceAfter: '1 minute' }, /^Check\.DeregisterCriticalServiceAfter: invalid duration/],
    ['no id', { HTTP: 'http://x/', Interval: '1s' }, /^Check\.CheckID: required/],
    ['skip verify not bool', { ...http, TLSSkipVerify: 'yes' }, /^Check\.TLSSkipVerify: must be true or false/],
    ['tcp over tls', { CheckID: 'a', TCP: 'x:1', Interval: '1s', TCPUseTLS: true }, /^Check\.TCPUseTLS: TCP checks over TLS are not supported/],
  ])('%s', (_name, def, message) => {
    const v = validateCheckDefinition(def);
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.errors.some((e) => message.test(e)), `errors were: ${JSON.stringify(v.errors)}`).toBe(true);
  });

  it('reports every wrong field at once', () => {
    const v = validateCheckDefinition({ CheckID: 'a', HTTP: 'ftp://x', Interval: 'x', Status: 'bad' });
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.errors.map((e) => e.split(':')[0])).toEqual(expect.arrayContaining(['Check.Status', 'Check.Interval', 'Check.HTTP']));
  });
});
