/**
 * The SQLite schema. Each record's fields live in a JSON `body`; the columns
 * beside it are what queries select and order by. `topics` keeps the last
 * index at which each topic changed, so result indexes survive deletions and
 * restarts and never go backwards.
 */
import type { Database } from 'better-sqlite3';

const SCHEMA_VERSION = 1;

const DDL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS topics (topic TEXT PRIMARY KEY, idx INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS nodes (
  name TEXT PRIMARY KEY, body TEXT NOT NULL,
  create_index INTEGER NOT NULL, modify_index INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS services (
  node TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL,
  connect_dest TEXT, body TEXT NOT NULL,
  create_index INTEGER NOT NULL, modify_index INTEGER NOT NULL,
  PRIMARY KEY (node, id));
CREATE INDEX IF NOT EXISTS services_by_name ON services (name);
CREATE INDEX IF NOT EXISTS services_by_connect ON services (connect_dest);
CREATE TABLE IF NOT EXISTS checks (
  node TEXT NOT NULL, id TEXT NOT NULL, service_id TEXT NOT NULL, service_name TEXT NOT NULL,
  status TEXT NOT NULL, body TEXT NOT NULL,
  create_index INTEGER NOT NULL, modify_index INTEGER NOT NULL,
  PRIMARY KEY (node, id));
CREATE INDEX IF NOT EXISTS checks_by_service ON checks (service_name);
CREATE INDEX IF NOT EXISTS checks_by_node_service ON checks (node, service_id);
CREATE INDEX IF NOT EXISTS checks_by_status ON checks (status);
CREATE TABLE IF NOT EXISTS config_entries (
  kind TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL,
  create_index INTEGER NOT NULL, modify_index INTEGER NOT NULL,
  PRIMARY KEY (kind, name));
CREATE TABLE IF NOT EXISTS key_material (
  key TEXT PRIMARY KEY, value TEXT NOT NULL,
  create_index INTEGER NOT NULL, modify_index INTEGER NOT NULL);
`;

/**
 * Prepares a connection: WAL with synchronous=FULL, so a commit returns only
 * after the WAL is fsynced (an acknowledged write survives kill -9 and power
 * loss), then creates the tables.
 */
export function prepareDatabase(db: Database, inMemory: boolean): void {
  if (!inMemory) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
  }
  db.pragma('foreign_keys = OFF');
  db.exec(DDL);
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get('schema') as { value: number } | undefined;
  if (row === undefined) {
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('schema', SCHEMA_VERSION);
    db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('index', 1);
  } else if (row.value !== SCHEMA_VERSION) {
    throw new Error(`store schema version ${row.value} is not supported (expected ${SCHEMA_VERSION})`);
  }
}
