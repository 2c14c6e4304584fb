/** PEM armour for DER bytes. */

/** Wraps DER bytes in PEM armour with 64-column lines. */
export function toPem(label: string, der: Uint8Array): string {
  const lines = Buffer.from(der).toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** The DER inside the first PEM block of `pem`. */
export function fromPem(pem: string): Buffer {
  const m = /-----BEGIN [A-Z ]+-----([\s\S]*?)-----END [A-Z ]+-----/.exec(pem);
  if (!m || m[1] === undefined) throw new Error('no PEM block found');
  return Buffer.from(m[1].replace(/\s+/g, ''), 'base64');
}
