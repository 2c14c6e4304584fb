/**
 * What the ADS server counts as its streams work: responses and resources
 * sent, ACKs and NACKs heard, streams waiting for the network, and the time
 * from a committed change to the proxy's ACK of it. Streams report each event
 * as it happens, so a scrape only reads numbers and never walks the streams.
 */
import { MetricsRegistry, type Histogram } from '../metrics.ts';
import { TYPE_SHORT_NAMES, type ResourceTypeUrl } from '../type-urls.ts';

/** Running totals of one XdsServer since it started (counters only go up). */
export interface XdsTraffic {
  /** Discovery responses written. */
  responsesSent: number;
  /** Resources carried by those responses (delta: updated ones; SotW: every one listed). */
  resourcesSent: number;
  /** Names removed in delta responses (and dropped from SotW sets). */
  removalsSent: number;
  /** Requests that ACKed the latest response of a type. */
  acksReceived: number;
  /** Requests that NACKed the latest response of a type. */
  nacksReceived: number;
  /** ADS streams accepted since start. */
  streamsOpened: number;
}

/** What a stream tells the server about itself as it works. */
export interface StreamObserver {
  /** One response written, carrying `resources` resources and `removals` removed names. */
  sent(resources: number, removals: number): void;
  /** The proxy ACKed (`accepted`) or NACKed the latest response of a type. */
  replied(accepted: boolean): void;
  /** A change committed `seconds` ago is now ACKed for `typeUrl`. */
  converged(typeUrl: ResourceTypeUrl, seconds: number): void;
  /** The stream started (+1) or stopped (-1) waiting for its call to drain. */
  backlogChanged(delta: 1 | -1): void;
  /** The stream started (+1) or stopped (-1) holding answers not yet written. */
  queueChanged(delta: 1 | -1): void;
}

/**
 * Upper bounds, in seconds, of the convergence histogram: from one coalescing
 * window (~5 ms) to a full reconnect storm (a minute).
 */
export const CONVERGENCE_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** The server's counters and its metric families in `registry`. */
export class TrafficRecorder implements StreamObserver {
  private readonly totals: XdsTraffic = {
    responsesSent: 0,
    resourcesSent: 0,
    removalsSent: 0,
    acksReceived: 0,
    nacksReceived: 0,
    streamsOpened: 0,
  };
  private backlogged = 0;
  private queued = 0;
  private readonly convergence: Histogram;

  /** Registers `switchboard_xds_convergence_seconds`, `switchboard_xds_backlogged_streams` and `switchboard_xds_push_queue_length` in `registry`. */
  constructor(registry: MetricsRegistry) {
    this.convergence = registry.histogram(
      'switchboard_xds_convergence_seconds',
      'Time from a committed change to the proxy ACKing the response that carried it, by type.',
      CONVERGENCE_BUCKETS,
    );
    const backlogged = registry.gauge('switchboard_xds_backlogged_streams', 'ADS streams whose proxy stopped reading: their pushes wait for the connection to drain, keeping only the latest state.');
    const queued = registry.gauge('switchboard_xds_push_queue_length', 'ADS streams holding answers not yet written to their proxy.');
    registry.addCollector(() => {
      backlogged.set({}, this.backlogged);
      queued.set({}, this.queued);
    });
  }

  /** A new stream was accepted. */
  opened(): void {
    this.totals.streamsOpened++;
  }

  sent(resources: number, removals: number): void {
    this.totals.responsesSent++;
    this.totals.resourcesSent += resources;
    this.totals.removalsSent += removals;
  }

  replied(accepted: boolean): void {
    if (accepted) this.totals.acksReceived++;
    else this.totals.nacksReceived++;
  }

  converged(typeUrl: ResourceTypeUrl, seconds: number): void {
    // A clock step backwards must not record a negative duration.
    this.convergence.observe(Math.max(0, seconds), { type: TYPE_SHORT_NAMES[typeUrl] });
  }

  backlogChanged(delta: 1 | -1): void {
    this.backlogged += delta;
  }

  queueChanged(delta: 1 | -1): void {
    this.queued += delta;
  }

  /** A copy of the running totals. */
  traffic(): XdsTraffic {
    return { ...this.totals };
  }

  /** Streams waiting for their call to drain now. */
  backloggedStreams(): number {
    return this.backlogged;
  }

  /** Streams holding answers not yet written now. */
  queuedStreams(): number {
    return this.queued;
  }
}
