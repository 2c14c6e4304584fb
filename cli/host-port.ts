/** Parses `host:port` (IPv6 in brackets) for a CLI flag, naming the flag on error. */
export function splitHostPort(value: string, flag: string): { host: string; port: number } {
  const i = value.lastIndexOf(':');
  const port = Number(value.slice(i + 1));
  if (i <= 0 || value.slice(i + 1) === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${flag}: expected host:port, got "${value}"`);
  }
  return { host: value.slice(0, i).replace(/^\[|\]$/g, ''), port };
}
