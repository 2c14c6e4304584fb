/**
 * The well-known string formats of protoc-gen-validate (`hostname`, `email`,
 * `ip`, `uri`, `uuid`, `well_known_regex`, ...), as its generated validators
 * define them.
 */
import net from 'node:net';

// RFC 7230 token (with a leading ':' for HTTP/2 pseudo-headers). PGV writes the
// class as `*+-.`, a range that also admits ','; it is kept so that we accept
// and reject exactly what Envoy does.
const HEADER_NAME_STRICT = /^:?[0-9a-zA-Z!#$%&'*+,\-.^_|~`]+$/;
// Visible characters plus tab and obs-text: no other control characters.
const HEADER_VALUE_STRICT = /^[^\u0000-\u0008\u000A-\u001F\u007F]*$/;
// `strict: false`: only NUL, CR and LF are refused (they split headers).
const HEADER_LOOSE = /^[^\u0000\u000A\u000D]*$/;

/** Checks an HTTP header name (`which` = 1) or value (`which` = 2) the way PGV's well_known_regex does. */
export function matchesKnownRegex(which: 'HTTP_HEADER_NAME' | 'HTTP_HEADER_VALUE', strict: boolean, s: string): boolean {
  if (!strict) return HEADER_LOOSE.test(s);
  return which === 'HTTP_HEADER_NAME' ? HEADER_NAME_STRICT.test(s) : HEADER_VALUE_STRICT.test(s);
}

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;

/** RFC 1034 hostname: at most 253 characters, labels of 1–63 letters, digits and inner hyphens; a trailing dot is allowed. */
export function isHostname(s: string): boolean {
  const h = s.endsWith('.') ? s.slice(0, -1) : s;
  if (h.length === 0 || h.length > 253) return false;
  for (const label of h.split('.')) {
    if (label.length === 0 || label.length > 63 || !LABEL.test(label)) return false;
  }
  return true;
}

/** IPv4 in dotted-quad form. */
export function isIpv4(s: string): boolean {
  return net.isIPv4(s);
}

/** IPv6 without brackets and without a zone (Go's net.ParseIP refuses `%zone`). */
export function isIpv6(s: string): boolean {
  return !s.includes('%') && net.isIPv6(s);
}

/** Either kind of IP address. */
export function isIp(s: string): boolean {
  return isIpv4(s) || isIpv6(s);
}

const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const LOCAL_PART = new RegExp(`^(?:${ATOM}(?:\\.${ATOM})*|"(?:[^"\\\\\\r\\n]|\\\\.)*")$`);

/** RFC 5322 address (optionally `Name <addr>`), local part at most 64 bytes, whole address at most 254, domain a hostname. */
export function isEmail(s: string): boolean {
  let addr = s.trim();
  const angle = /<([^<>]*)>$/.exec(addr);
  if (angle?.[1] !== undefined) addr = angle[1];
  if (addr.length > 254) return false;
  const at = addr.lastIndexOf('@');
  if (at <= 0) return false;
  const local = addr.slice(0, at);
  const domain = addr.slice(at + 1);
  return local.length <= 64 && LOCAL_PART.test(local) && isHostname(domain);
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** RFC 4122 textual UUID (any version, either case). */
export function isUuid(s: string): boolean {
  return UUID.test(s);
}

// RFC 3986 characters: unreserved, reserved and percent-encodings.
const URI_CHARS = /^(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/** RFC 3986 URI reference (relative or absolute): only URI characters, well-formed percent-escapes. */
export function isUriRef(s: string): boolean {
  return URI_CHARS.test(s);
}

/** RFC 3986 absolute URI: a scheme followed by URI characters. */
export function isUri(s: string): boolean {
  return SCHEME.test(s) && URI_CHARS.test(s);
}

/** `address`: a hostname or an IP address. */
export function isAddress(s: string): boolean {
  return isIp(s) || isHostname(s);
}
