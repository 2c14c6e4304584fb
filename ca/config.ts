/**
 * The CA configuration in Consul's shape (`/v1/connect/ca/configuration`)
 * and its validation. Durations keep the text the operator wrote; their
 * millisecond values are derived when they are used.
 */
import { parseDuration } from './duration.ts';

export type PrivateKeyType = 'ec' | 'rsa';

/** The provider settings that this CA understands; unknown keys are kept as given. */
export interface CAProviderConfig {
  PrivateKeyType: PrivateKeyType;
  PrivateKeyBits: number;
  /** Go duration text, e.g. "72h". */
  LeafCertTTL: string;
  /** Go duration text, e.g. "87600h". */
  RootCertTTL: string;
  /** Settings Consul accepts that this CA stores but does not act on (IntermediateCertTTL, CSRMaxPerSecond…). */
  [other: string]: string | number | boolean | null;
}

/** A validated CA configuration. */
export interface CAConfiguration {
  Provider: 'consul';
  Config: CAProviderConfig;
  ForceWithoutCrossSigning: boolean;
}

/** One problem found in a configuration; `field` is the dotted path of the bad value. */
export interface ConfigProblem {
  field: string;
  message: string;
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: ConfigProblem[] };

export const DEFAULT_LEAF_CERT_TTL = '72h';
export const DEFAULT_ROOT_CERT_TTL = '87600h';
const HOUR = 3_600_000;
/** Leaf lifetimes Consul accepts: 1 hour to 1 year. */
export const LEAF_TTL_RANGE_MS = { min: HOUR, max: 8760 * HOUR } as const;
/** Root lifetimes: 1 hour to 100 years (and always longer than a leaf's). */
export const ROOT_TTL_RANGE_MS = { min: HOUR, max: 876_000 * HOUR } as const;
const VALID_BITS: Record<PrivateKeyType, readonly number[]> = { ec: [256, 384], rsa: [2048, 4096] };

/** The configuration a CA starts with when none is given. */
export function defaultCAConfiguration(): CAConfiguration {
  return {
    Provider: 'consul',
    Config: {
      PrivateKeyType: 'ec',
      PrivateKeyBits: 256,
      LeafCertTTL: DEFAULT_LEAF_CERT_TTL,
      RootCertTTL: DEFAULT_ROOT_CERT_TTL,
    },
    ForceWithoutCrossSigning: false,
  };
}

/** Leaf lifetime of a validated configuration, in milliseconds. */
export const leafTtlMs = (c: CAConfiguration): number => parseDuration(c.Config.LeafCertTTL) ?? 72 * HOUR;
/** Root lifetime of a validated configuration, in milliseconds. */
export const rootTtlMs = (c: CAConfiguration): number => parseDuration(c.Config.RootCertTTL) ?? 87600 * HOUR;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a configuration as a client sends it (missing settings take their
 * defaults, as Consul's provider does) and returns it normalised, or every
 * problem with the field it concerns.
 */
export function validateCAConfiguration(input: unknown): ValidationResult<CAConfiguration> {
  const errors: ConfigProblem[] = [];
  if (!isRecord(input)) return { ok: false, errors: [{ field: 'body', message: 'must be a JSON object' }] };
  const provider = input.Provider ?? 'consul';
  if (provider !== 'consul') {
    errors.push({ field: 'Provider', message: `unsupported provider ${JSON.stringify(provider)} (only "consul" is built in)` });
  }
  const force = input.ForceWithoutCrossSigning ?? false;
  if (typeof force !== 'boolean') errors.push({ field: 'ForceWithoutCrossSigning', message: 'must be a boolean' });
  const rawConfig = input.Config ?? {};
  if (!isRecord(rawConfig)) {
    errors.push({ field: 'Config', message: 'must be an object' });
    return { ok: false, errors };
  }
  const defaults = defaultCAConfiguration().Config;
  const config: CAProviderConfig = { ...defaults };
  for (const [key, value] of Object.entries(rawConfig)) {
    if (['PrivateKeyType', 'PrivateKeyBits', 'LeafCertTTL', 'RootCertTTL'].includes(key)) continue;
    if (key === 'PrivateKey' || key === 'RootCert') {
      errors.push({ field: `Config.${key}`, message: 'bringing an external root key or certificate is not supported' });
      continue;
    }
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) config[key] = value as string | number | boolean | null;
    else errors.push({ field: `Config.${key}`, message: 'must be a string, number or boolean' });
  }

  const keyType = rawConfig.PrivateKeyType ?? defaults.PrivateKeyType;
  if (keyType !== 'ec' && keyType !== 'rsa') {
    errors.push({ field: 'Config.PrivateKeyType', message: `unknown key type ${JSON.stringify(keyType)} (want "ec" or "rsa")` });
  } else {
    config.PrivateKeyType = keyType;
    const bits = rawConfig.PrivateKeyBits ?? (keyType === 'ec' ? 256 : 2048);
    const allowed = VALID_BITS[keyType];
    if (typeof bits !== 'number' || !allowed.includes(bits)) {
      errors.push({
        field: 'Config.PrivateKeyBits',
        message: `${JSON.stringify(bits)} is not valid for ${keyType} keys (want ${allowed.join(' or ')})`,
      });
    } else {
      config.PrivateKeyBits = bits;
    }
  }

  const leaf = checkTtl(rawConfig.LeafCertTTL ?? defaults.LeafCertTTL, 'Config.LeafCertTTL', LEAF_TTL_RANGE_MS, errors);
  const root = checkTtl(rawConfig.RootCertTTL ?? defaults.RootCertTTL, 'Config.RootCertTTL', ROOT_TTL_RANGE_MS, errors);
  if (leaf) config.LeafCertTTL = leaf.text;
  if (root) config.RootCertTTL = root.text;
  if (leaf && root && root.ms <= leaf.ms) {
    errors.push({ field: 'Config.RootCertTTL', message: `must be longer than LeafCertTTL (${leaf.text})` });
  }
  if (errors.length) return { ok: false, errors };
  return { ok: true, value: { Provider: 'consul', Config: config, ForceWithoutCrossSigning: force === true } };
}

function checkTtl(
  value: unknown,
  field: string,
  range: { min: number; max: number },
  errors: ConfigProblem[],
): { text: string; ms: number } | undefined {
  if (typeof value !== 'string') {
    errors.push({ field, message: 'must be a duration string such as "72h"' });
    return undefined;
  }
  const ms = parseDuration(value);
  if (ms === undefined) {
    errors.push({ field, message: `${JSON.stringify(value)} is not a duration (e.g. "72h", "1h30m")` });
    return undefined;
  }
  if (ms < range.min || ms > range.max) {
    errors.push({ field, message: `${JSON.stringify(value)} is out of range (${range.min / HOUR}h to ${range.max / HOUR}h)` });
    return undefined;
  }
  return { text: value, ms };
}
