/** The state of one validation pass: where we are in the object, and what was found. */
import type protobuf from 'protobufjs';
import type { Issue } from './types.ts';
import type { Sink } from './rules.ts';

const INDEX_SEGMENTS = Array.from({ length: 256 }, (_, i) => `[${i}]`);

/** `[i]` path segment (shared strings for small indexes, to keep the hot loop allocation-free). */
export function indexSegment(i: number): string {
  return INDEX_SEGMENTS[i] ?? `[${i}]`;
}

/** Collects issues with the field path they were found at; the path is only joined when something is reported. */
export class Walk implements Sink {
  readonly issues: Issue[] = [];
  private readonly segments: string[] = [];

  /**
   * `remembers`: the pass uses Envoy's protos and the real clock, so a shared
   * (frozen) part found clean may be taken as clean when met again.
   */
  constructor(readonly root: protobuf.Root, private readonly clock: () => Date, readonly remembers = false) {}

  now(): Date {
    return this.clock();
  }

  push(segment: string): void {
    this.segments.push(segment);
  }

  pop(): void {
    this.segments.pop();
  }

  path(): string {
    let p = '';
    for (const s of this.segments) p += p === '' || s.charCodeAt(0) === 91 /* [ */ ? s : '.' + s;
    return p;
  }

  report(rule: string, message: string): void {
    this.issues.push({ path: this.path(), rule, message });
  }
}
