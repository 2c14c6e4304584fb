import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  HealthCheckRunner,
  createManualClock,
  createTimerWheel,
  type ManualClock,
  type RunnerOptions,
  type StatusUpdate,
} from '../../../catalog/health/index.ts';
import { closedPort, startHttpServer, startTcpListener, waitFor } from './servers.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

interface Harness {
  runner: HealthCheckRunner;
  clock: ManualClock;
  updates: Array<[string, StatusUpdate]>;
  deregistered: Array<[string, string]>;
}

// Manual clock for scheduling, real probes against real servers.
function harness(opts: Partial<RunnerOptions> = {}): Harness {
  const clock = createManualClock(1_000_000);
  const updates: Array<[string, StatusUpdate]> = [];
  const deregistered: Array<[string, string]> = [];
  const runner = new HealthCheckRunner({
    clock,
    random: () => 0,
    onStatus: (id, u) => updates.push([id, u]),
    onDeregister: (svc, id) => deregistered.push([svc, id]),
    ...opts,
  });
  cleanups.push(() => runner.stop());
  return { runner, clock, updates, deregistered };
}

async function httpServer(handler: Parameters<typeof startHttpServer>[0]) {
  const s = await startHttpServer(handler);
  cleanups.push(s.close);
  return s;
}

// Fires the next tick and waits for its real probe to finish.
async function tickAndSettle(h: Harness, ms: number): Promise<void> {
  const before = h.runner.stats().probesStarted;
  h.clock.advance(ms);
  const started = h.runner.stats().probesStarted;
  if (started === before) throw new Error('no probe started');
  await waitFor(() => h.runner.stats().probesCompleted >= started, 'probe to complete');
}

function mustAdd(h: Harness, def: Record<string, unknown>, lastKnown?: Parameters<HealthCheckRunner['add']>[1]): void {
  const v = h.runner.add(def, lastKnown);
  if (!v.ok) throw new Error(v.errors.join('; '));
}

describe('scheduling', () => {
  it('staggers first runs by the injected random source, then runs every Interval', async () => {
    const port = await closedPort();
    const randoms = [0.0, 0.25, 0.5, 0.75];
    const h = harness({ random: () => randoms.shift() ?? 0 });
    for (let i = 0; i < 4; i++) mustAdd(h, { CheckID: `c${i}`, TCP: `127.0.0.1:${port}`, Interval: '4s' });
    const started: number[] = [];
    for (let t = 0; t < 8; t++) {
      h.clock.advance(t === 0 ? 0 : 1000);
      const s = h.runner.stats();
      started.push(s.probesStarted);
      await waitFor(() => h.runner.stats().probesCompleted === s.probesStarted, 'probes to finish');
    }
    // One more probe each second: 4 checks spread over a 4 s interval.
    expect(started).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('raises intervals below the minimum to it', async () => {
    const port = await closedPort();
    const h = harness({ minIntervalMs: 1000 });
    mustAdd(h, { CheckID: 'fast', TCP: `127.0.0.1:${port}`, Interval: '100ms' });
    await tickAndSettle(h, 0);
    h.clock.advance(999);
    expect(h.runner.stats().probesStarted).toBe(1);
    h.clock.advance(1);
    expect(h.runner.stats().probesStarted).toBe(2);
  });

  it('never has two probes of one check in flight', async () => {
    const s = await httpServer(() => {
      /* hangs */
    });
    const h = harness();
    mustAdd(h, { CheckID: 'slow', HTTP: s.url(), Interval: '1s', Timeout: '1m' });
    h.clock.advance(0);
    await waitFor(() => s.seen.length === 1, 'first request');
    for (let i = 0; i < 5; i++) h.clock.advance(1000);
    expect(h.runner.stats()).toMatchObject({ probesStarted: 1, inFlight: 1, ticksSkipped: 5 });
  });

  it('caps probes in flight and runs the rest in order as slots free up', async () => {
    const held: ServerResponse[] = [];
    const s = await httpServer((_req, res) => held.push(res));
    const h = harness({ maxConcurrentProbes: 2 });
    for (let i = 0; i < 5; i++) mustAdd(h, { CheckID: `c${i}`, HTTP: s.url(`/${i}`), Interval: '10s' });
    h.clock.advance(0);
    expect(h.runner.stats()).toMatchObject({ probesStarted: 2, inFlight: 2, queued: 3 });
    await waitFor(() => held.length === 2, 'two requests');
    const release = (): void => {
      for (const r of held.splice(0)) r.end('ok');
    };
    release();
    await waitFor(() => held.length === 2, 'next two requests');
    release();
    await waitFor(() => held.length === 1, 'last request');
    release();
    await waitFor(() => h.runner.stats().probesCompleted === 5, 'all probes');
    expect(s.seen.map((r) => r.url)).toEqual(['/0', '/1', '/2', '/3', '/4']);
    expect(h.runner.stats()).toMatchObject({ inFlight: 0, queued: 0 });
  });

  it('stops probing a removed check and forgets it', async () => {
    const l = await startTcpListener();
    cleanups.push(l.close);
    const h = harness();
    mustAdd(h, { CheckID: 'tcp', TCP: `127.0.0.1:${l.port}`, Interval: '1s' });
    await tickAndSettle(h, 0);
    expect(h.runner.remove('tcp')).toBe(true);
    expect(h.runner.remove('tcp')).toBe(false);
    h.clock.advance(10_000);
    expect(h.runner.stats()).toMatchObject({ checks: 0, probesStarted: 1 });
    expect(h.runner.get('tcp')).toBeUndefined();
    expect(h.clock.pending()).toBe(0);
  });
});

describe('status reporting', () => {
  it('calls onStatus only when Status or Output changes', async () => {
    let code = 200;
    const s = await httpServer((_req, res) => {
      res.writeHead(code);
      res.end('same body');
    });
    const h = harness();
    mustAdd(h, { CheckID: 'web-http', ServiceID: 'web', HTTP: s.url(), Interval: '1s' });
    for (let i = 0; i < 4; i++) await tickAndSettle(h, i === 0 ? 0 : 1000);
    expect(h.updates).toEqual([['web-http', { Status: 'passing', Output: `HTTP GET ${s.url()}: 200 OK Output: same body`, ServiceID: 'web' }]]);
    code = 500;
    for (let i = 0; i < 3; i++) await tickAndSettle(h, 1000);
    expect(h.updates.map(([, u]) => u.Status)).toEqual(['passing', 'critical']);
    expect(h.runner.get('web-http')?.Status).toBe('critical');
  });

  it('applies SuccessBeforePassing and FailuresBeforeCritical to consecutive results', async () => {
    let code = 200;
    const s = await httpServer((_req, res) => {
      res.writeHead(code);
      res.end();
    });
    const h = harness();
    mustAdd(h, { CheckID: 'c', HTTP: s.url(), Interval: '1s', SuccessBeforePassing: 3, FailuresBeforeCritical: 2 });
    const statusAfterEachProbe: string[] = [];
    const run = async (codes: number[]): Promise<void> => {
      for (const c of codes) {
        code = c;
        await tickAndSettle(h, statusAfterEachProbe.length === 0 ? 0 : 1000);
        statusAfterEachProbe.push(h.runner.get('c')?.Status ?? '?');
      }
    };
    await run([200, 200, 500, 200, 200, 200, 500, 200, 500, 500]);
    expect(statusAfterEachProbe).toEqual([
      'critical', 'critical', 'critical', // two successes, then a failure resets the count
      'critical', 'critical', 'passing', // three in a row
      'passing', 'passing', // one failure is held; a success resets the failure count
      'passing', 'critical', // two failures in a row
    ]);
    expect(h.updates.map(([, u]) => u.Status)).toEqual(['passing', 'critical']);
  });

  it('reports warning after FailuresBeforeWarning and critical after FailuresBeforeCritical', async () => {
    let code = 200;
    const s = await httpServer((_req, res) => {
      res.writeHead(code);
      res.end();
    });
    const h = harness();
    mustAdd(h, { CheckID: 'c', HTTP: s.url(), Interval: '1s', FailuresBeforeWarning: 1, FailuresBeforeCritical: 3 });
    await tickAndSettle(h, 0);
    code = 503;
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      await tickAndSettle(h, 1000);
      seen.push(h.runner.get('c')?.Status ?? '?');
    }
    expect(seen).toEqual(['warning', 'warning', 'critical']);
  });

  it('starts from the last known state after a restart without flapping', async () => {
    const s = await httpServer((_req, res) => {
      res.writeHead(500);
      res.end('down');
    });
    const h = harness();
    mustAdd(h, { CheckID: 'c', HTTP: s.url(), Interval: '1s', FailuresBeforeCritical: 2 }, { Status: 'passing', Output: 'was fine' });
    expect(h.runner.get('c')).toEqual({ Status: 'passing', Output: 'was fine' });
    await tickAndSettle(h, 0);
    expect(h.updates).toEqual([]); // first failure held: still passing
    await tickAndSettle(h, 1000);
    expect(h.updates.map(([, u]) => u.Status)).toEqual(['critical']);
  });

  it('keeps the state when a definition is updated', async () => {
    const s = await httpServer((_req, res) => res.end('ok'));
    const h = harness();
    mustAdd(h, { CheckID: 'c', HTTP: s.url('/a'), Interval: '1s' });
    await tickAndSettle(h, 0);
    expect(h.runner.get('c')?.Status).toBe('passing');
    const v = h.runner.update({ CheckID: 'c', HTTP: s.url('/b'), Interval: '5s' });
    expect(v.ok).toBe(true);
    expect(h.runner.get('c')?.Status).toBe('passing');
    await tickAndSettle(h, 0);
    expect(s.seen.map((r) => r.url)).toEqual(['/a', '/b']);
  });

  it('returns validation errors from add without registering anything', () => {
    const h = harness();
    const v = h.runner.add({ CheckID: 'bad', HTTP: 'ftp://x', Interval: '1s' });
    expect(v.ok).toBe(false);
    expect(h.runner.stats().checks).toBe(0);
  });
});

describe('TTL checks', () => {
  it('go critical when not refreshed within the TTL and recover on update', () => {
    const h = harness();
    mustAdd(h, { CheckID: 'ttl', TTL: '200ms' });
    expect(h.runner.get('ttl')?.Status).toBe('critical');
    expect(h.runner.updateTTL('ttl', 'passing', 'all good')).toEqual({ ok: true });
    h.clock.advance(150);
    expect(h.runner.updateTTL('ttl', 'passing', 'all good')).toEqual({ ok: true }); // refresh, no change reported
    h.clock.advance(199);
    expect(h.runner.get('ttl')?.Status).toBe('passing');
    h.clock.advance(1);
    expect(h.runner.get('ttl')).toEqual({ Status: 'critical', Output: 'TTL expired', CriticalSince: h.clock.now() });
    h.runner.updateTTL('ttl', 'warning', 'degraded');
    expect(h.updates.map(([, u]) => [u.Status, u.Output])).toEqual([
      ['passing', 'all good'],
      ['critical', 'TTL expired'],
      ['warning', 'degraded'],
    ]);
  });

  it('expires with real timers too', async () => {
    const updates: string[] = [];
    const runner = new HealthCheckRunner({ onStatus: (_id, u) => updates.push(u.Status) });
    cleanups.push(() => runner.stop());
    runner.add({ CheckID: 't', TTL: '200ms', Status: 'passing' });
    await waitFor(() => updates.length > 0, 'TTL expiry');
    expect(updates).toEqual(['critical']);
  });

  it('explains why an update is refused', () => {
    const h = harness();
    mustAdd(h, { CheckID: 'http', HTTP: 'http://127.0.0.1:1/', Interval: '1s' });
    mustAdd(h, { CheckID: 'ttl', TTL: '1s' });
    expect(h.runner.updateTTL('nope', 'passing')).toMatchObject({ ok: false, reason: 'not-found' });
    expect(h.runner.updateTTL('http', 'passing')).toMatchObject({ ok: false, reason: 'not-ttl', error: expect.stringMatching(/HTTP check, not a TTL check/) });
    expect(h.runner.updateTTL('ttl', 'fine' as 'passing')).toMatchObject({ ok: false, reason: 'bad-status' });
  });
});

describe('DeregisterCriticalServiceAfter', () => {
  it('calls onDeregister once the check has been critical that long', () => {
    const h = harness({ minDeregisterAfterMs: 0 });
    mustAdd(h, { CheckID: 'c', ServiceID: 'web', TTL: '10s', Status: 'passing', DeregisterCriticalServiceAfter: '30s' });
    h.clock.advance(10_000); // TTL expires: critical from now on
    h.clock.advance(29_999);
    expect(h.deregistered).toEqual([]);
    h.clock.advance(1);
    expect(h.deregistered).toEqual([['web', 'c']]);
  });

  it('does not fire when the check recovers in time, and restarts the countdown', () => {
    const h = harness({ minDeregisterAfterMs: 0 });
    mustAdd(h, { CheckID: 'c', ServiceID: 'web', TTL: '1h', DeregisterCriticalServiceAfter: '30s' });
    h.clock.advance(20_000);
    h.runner.updateTTL('c', 'passing');
    h.clock.advance(20_000);
    h.runner.updateTTL('c', 'critical', 'broken');
    h.clock.advance(29_000);
    expect(h.deregistered).toEqual([]);
    h.clock.advance(1000);
    expect(h.deregistered).toEqual([['web', 'c']]);
  });

  it('waits at least the minimum (1m by default), as Consul does', () => {
    const h = harness();
    mustAdd(h, { CheckID: 'c', ServiceID: 'web', TTL: '1h', DeregisterCriticalServiceAfter: '10s' });
    h.clock.advance(59_999);
    expect(h.deregistered).toEqual([]);
    h.clock.advance(1);
    expect(h.deregistered).toEqual([['web', 'c']]);
  });

  it('counts from a persisted CriticalSince after a restart', () => {
    const h = harness({ minDeregisterAfterMs: 0 });
    const now = h.clock.now();
    mustAdd(h, { CheckID: 'c', ServiceID: 'web', TTL: '1h', DeregisterCriticalServiceAfter: '30s' }, { Status: 'critical', Output: '', CriticalSince: now - 25_000 });
    expect(h.runner.get('c')?.CriticalSince).toBe(now - 25_000);
    h.clock.advance(5000);
    expect(h.deregistered).toEqual([['web', 'c']]);
  });

  it('deregisters a service whose real HTTP check keeps failing', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/`;
    const h = harness({ minDeregisterAfterMs: 0 });
    mustAdd(h, { CheckID: 'c', ServiceID: 'api', HTTP: url, Interval: '1s', Status: 'passing', DeregisterCriticalServiceAfter: '5s' });
    await tickAndSettle(h, 0);
    expect(h.runner.get('c')?.Status).toBe('critical');
    for (let i = 0; i < 4; i++) await tickAndSettle(h, 1000);
    expect(h.deregistered).toEqual([]);
    await tickAndSettle(h, 1000);
    expect(h.deregistered).toEqual([['api', 'c']]);
  });

  it('ignores node checks (no ServiceID)', () => {
    const h = harness({ minDeregisterAfterMs: 0 });
    mustAdd(h, { CheckID: 'n', TTL: '1s', DeregisterCriticalServiceAfter: '1s' });
    h.clock.advance(60_000);
    expect(h.deregistered).toEqual([]);
  });
});

describe('addAll', () => {
  it('adds every definition with its last known state and reports each validation', async () => {
    const h = harness();
    const results = await h.runner.addAll(
      [
        { definition: { CheckID: 'a', TTL: '1m' }, lastKnown: { Status: 'passing', Output: 'fine' } },
        { definition: { CheckID: 'b', TTL: 'soon' } },
        { definition: { CheckID: 'c', TTL: '1m' } },
      ],
      2,
    );
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(h.runner.get('a')).toEqual({ Status: 'passing', Output: 'fine' });
    expect(h.runner.get('c')?.Status).toBe('critical');
    expect(h.runner.stats().checks).toBe(2);
    expect(h.updates).toEqual([]);
  });
});

describe('on a timer wheel', () => {
  it('staggers and repeats checks like per-check timers, TTLs included', async () => {
    const port = await closedPort();
    const base = createManualClock(0);
    const randoms = [0.0, 0.25, 0.5, 0.75];
    const updates: string[] = [];
    const runner = new HealthCheckRunner({
      clock: createTimerWheel({ tickMs: 10, base }),
      random: () => randoms.shift() ?? 0,
      onStatus: (id, u) => updates.push(`${id}:${u.Status}`),
    });
    cleanups.push(() => runner.stop());
    for (let i = 0; i < 4; i++) runner.add({ CheckID: `c${i}`, TCP: `127.0.0.1:${port}`, Interval: '4s', Status: 'passing' });
    runner.add({ CheckID: 'ttl', TTL: '2500ms', Status: 'passing' });
    const started: number[] = [];
    for (let t = 0; t < 8; t++) {
      base.advance(t === 0 ? 10 : 1000); // the wheel fires within one 10 ms tick
      const s = runner.stats();
      started.push(s.probesStarted);
      await waitFor(() => runner.stats().probesCompleted === s.probesStarted, 'probes to finish');
    }
    expect(started).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(updates).toContain('ttl:critical');
    expect(updates.filter((u) => u.endsWith(':critical'))).toHaveLength(5);
  });
});
