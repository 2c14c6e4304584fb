/** Token secrets: how they are made and how they are stored (hashed, never as given). */
import { createHash, randomUUID } from 'node:crypto';

/** The stored form of a secret: hex SHA-256. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A new random secret or accessor ID (a UUID, as Consul's). */
export function newAclId(): string {
  return randomUUID();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `s` has the UUID form Consul requires of IDs and secrets. */
export function isUuid(s: string): boolean {
  return UUID.test(s);
}
