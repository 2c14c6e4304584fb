/** Consul's `<hex>.addr.` encoding of IP addresses: 10.0.0.1 ↔ 0a000001, IPv6 as 32 hex digits. */
import { isIPv4, isIPv6 } from 'node:net';

/** The hex label for an IP address, or undefined if the text is not an IP address. */
export function ipToHex(ip: string): string | undefined {
  if (isIPv4(ip)) {
    return ip
      .split('.')
      .map((o) => Number(o).toString(16).padStart(2, '0'))
      .join('');
  }
  if (isIPv6(ip)) return expandIPv6(ip)?.join('');
  return undefined;
}

/** The IP address a hex label stands for (8 digits: IPv4, 32: IPv6), or undefined. */
export function hexToIp(hex: string): string | undefined {
  if (!/^[0-9a-fA-F]+$/.test(hex)) return undefined;
  if (hex.length === 8) {
    const octets: number[] = [];
    for (let i = 0; i < 8; i += 2) octets.push(parseInt(hex.slice(i, i + 2), 16));
    return octets.join('.');
  }
  if (hex.length === 32) {
    const groups: string[] = [];
    for (let i = 0; i < 32; i += 4) groups.push(parseInt(hex.slice(i, i + 4), 16).toString(16));
    return groups.join(':');
  }
  return undefined;
}

/** Eight zero-padded 4-digit groups of an IPv6 address (handles "::" and an embedded IPv4 tail). */
function expandIPv6(ip: string): string[] | undefined {
  let text = ip.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const hex = ipToHex(v4[1] as string) as string;
    text = text.slice(0, v4.index) + `${hex.slice(0, 4)}:${hex.slice(4)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - headGroups.length - tailGroups.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return undefined;
  const groups = [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups];
  return groups.map((g) => g.padStart(4, '0'));
}
