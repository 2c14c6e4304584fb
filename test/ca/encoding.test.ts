import { X509Certificate } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import * as der from '../../ca/der.ts';
import { formatDuration, parseDuration, type CertificateAuthority } from '../../ca/index.ts';
import { HOUR, ManualClock, openTestCA, opensslVerify } from './helpers.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('DER encoding', () => {
  it('encodes integers minimally and positive', () => {
    expect(hex(der.integer(0n))).toBe('020100');
    expect(hex(der.integer(127n))).toBe('02017f');
    expect(hex(der.integer(128n))).toBe('02020080');
    expect(hex(der.integer(0x0102n))).toBe('02020102');
  });

  it('encodes OIDs and long lengths', () => {
    expect(hex(der.oid('1.2.840.10045.4.3.2'))).toBe('06082a8648ce3d040302');
    expect(hex(der.oid('2.5.29.17'))).toBe('0603551d11');
    const long = der.octetString(new Uint8Array(300));
    expect(hex(long.subarray(0, 4))).toBe('0482012c');
    const el = der.readElement(long, 0);
    expect([el.tag, el.contentStart, el.end]).toEqual([0x04, 4, 304]);
  });

  it('writes UTCTime before 2050 and GeneralizedTime from 2050', () => {
    expect(Buffer.from(der.time(new Date('2049-12-31T23:59:59Z'))).subarray(2).toString()).toBe('491231235959Z');
    expect(der.time(new Date('2049-12-31T23:59:59Z'))[0]).toBe(0x17);
    expect(Buffer.from(der.time(new Date('2050-01-01T00:00:00Z'))).subarray(2).toString()).toBe('20500101000000Z');
    expect(der.time(new Date('2050-01-01T00:00:00Z'))[0]).toBe(0x18);
  });
});

describe('leaves across the 2050 boundary', () => {
  let ca: CertificateAuthority | undefined;
  afterEach(() => ca?.close());
  it('parse and verify when notAfter is a GeneralizedTime', async () => {
    const clock = new ManualClock(Date.parse('2049-12-30T12:00:00Z'));
    ({ ca } = await openTestCA({ clock }));
    const { cert } = await ca.issueLeafCertificate('web');
    const c = new X509Certificate(cert.CertPEM);
    expect(Date.parse(c.validFrom)).toBe(clock.ms - 60_000);
    expect(Date.parse(c.validTo)).toBe(clock.ms + 72 * HOUR);
    expect(opensslVerify({ caFile: ca.rootsPem(), cert: cert.CertPEM }, clock.ms).ok).toBe(true);
  });
});

describe('durations', () => {
  it('parses Go duration text', () => {
    expect(parseDuration('72h')).toBe(72 * HOUR);
    expect(parseDuration('1h30m')).toBe(90 * 60_000);
    expect(parseDuration('1.5h')).toBe(90 * 60_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('10s')).toBe(10_000);
    expect(parseDuration('0')).toBe(0);
    expect(parseDuration('')).toBeUndefined();
    expect(parseDuration('5')).toBeUndefined();
    expect(parseDuration('5d')).toBeUndefined();
    expect(parseDuration('h')).toBeUndefined();
  });
  it('formats compactly', () => {
    expect(formatDuration(72 * HOUR)).toBe('72h');
    expect(formatDuration(90 * 60_000 + 5000)).toBe('1h30m5s');
    expect(formatDuration(0)).toBe('0s');
  });
});
