/** Check output limits shared by the probes and TTL updates. */

/** Consul keeps at most 4 KB of a check's output by default. */
export const DEFAULT_MAX_OUTPUT_BYTES = 4096;

/** Cuts a string to at most `maxBytes` of UTF-8 without splitting a character. */
export function truncateOutput(text: string, maxBytes: number = DEFAULT_MAX_OUTPUT_BYTES): string {
  if (text.length <= maxBytes / 4) return text; // fast path: cannot exceed even at 4 bytes a char
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= maxBytes) return text;
  let end = maxBytes;
  // Back up over UTF-8 continuation bytes (10xxxxxx) so the cut lands on a character boundary.
  while (end > 0 && ((buf[end] ?? 0) & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8');
}
