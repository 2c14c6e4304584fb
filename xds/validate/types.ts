/** Public types of the resource validator. */
import type protobuf from 'protobufjs';

/** One broken rule: which resource, where in it, which rule, and a sentence for a person. */
export interface Violation {
  /** `type-plural[resource-name]`, e.g. `listeners[public_listener:10.0.0.1:21000]`. */
  resource: string;
  /** Field path inside the resource, e.g. `filter_chains[0].filters[1].typed_config.stat_prefix`; empty for whole-resource checks. */
  path: string;
  /** The rule, as written in the protos where it comes from them: `string.min_len 1`, `oneof.required`, `schema.unknown_field`. */
  rule: string;
  message: string;
}

/** Outcome of a validation: nothing wrong, or every violation found (not just the first). */
export type ValidationResult = { ok: true } | { ok: false; violations: Violation[] };

/** A resource as the plain keepCase object we would hand to `Type.fromObject`. */
export type ResourceObject = object;

/** The resources one proxy is sent, by type; any type may be left out (see `validateResourceSet`). */
export interface ResourceSet {
  listeners?: readonly ResourceObject[];
  clusters?: readonly ResourceObject[];
  routes?: readonly ResourceObject[];
  endpoints?: readonly ResourceObject[];
  secrets?: readonly ResourceObject[];
}

/** Knobs that tests and callers can inject. */
export interface ValidateOptions {
  /** Clock for timestamp `lt_now`/`gt_now`/`within` rules (default: the system clock). */
  now?: () => Date;
  /** Root to resolve type names and `Any` payloads in (default: Envoy's root from `xds/protos.ts`). */
  root?: protobuf.Root;
}

/** A violation before it is attributed to a resource. */
export interface Issue {
  path: string;
  rule: string;
  message: string;
}
