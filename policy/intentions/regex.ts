/**
 * Regular expressions in RE2 syntax — what Consul (Go's regexp), Envoy and
 * gRPC's xDS RBAC all use — checked and run with RE2 itself (re2-wasm, the
 * engine @grpc/grpc-js-xds evaluates RBAC with), so a pattern means here
 * exactly what it will mean in the data plane.
 */
import { RE2 } from 're2-wasm';

/** Compiled patterns; bounded because patterns come from user config. */
const compiled = new Map<string, RE2>();
const MAX_CACHED = 1024;

function fullMatcher(pattern: string): RE2 {
  let re = compiled.get(pattern);
  if (!re) {
    // Envoy's safe_regex matches the whole value; the group keeps `a|b` from
    // anchoring only one branch.
    re = new RE2(`^(?:${pattern})$`, 'u');
    if (compiled.size >= MAX_CACHED) compiled.clear();
    compiled.set(pattern, re);
  }
  return re;
}

/** Verdicts already reached: an RE2 object lives in wasm memory until the process ends, so make each once. */
const verdicts = new Map<string, string | undefined>();

/** Why `pattern` is not a valid RE2 expression, or undefined when it is. */
export function re2SyntaxError(pattern: string): string | undefined {
  if (verdicts.has(pattern)) return verdicts.get(pattern);
  const verdict = checkSyntax(pattern);
  if (verdicts.size >= MAX_CACHED) verdicts.clear();
  verdicts.set(pattern, verdict);
  return verdict;
}

function checkSyntax(pattern: string): string | undefined {
  try {
    // The bare pattern first: `a)(?:b` is invalid alone but valid once wrapped.
    new RE2(pattern, 'u');
    fullMatcher(pattern);
    return undefined;
  } catch (e) {
    return (e as Error).message.replace(/^Invalid regular expression: \/.*\/u?: /s, '');
  }
}

/** True when `value` as a whole matches the RE2 `pattern` (which must be valid). */
export function re2FullMatch(pattern: string, value: string): boolean {
  return fullMatcher(pattern).test(value);
}
