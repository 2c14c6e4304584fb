/**
 * Reading config files for `switchboard validate` and `switchboard render --dir`:
 * JSON or YAML, one object or a list per file (several YAML documents too),
 * directories walked recursively. Each object is classified as a config
 * entry, an intentions entry or a service definition (see CLASSIFICATION_RULE).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CONFIG_ENTRY_KINDS } from '../policy/index.ts';

/** File extensions read from directories (files named explicitly are read whatever their extension). */
export const CONFIG_FILE_EXTENSIONS = ['.json', '.yaml', '.yml'] as const;

/** How objects are told apart; shown in `switchboard validate --help`. */
export const CLASSIFICATION_RULE =
  `An object whose Kind is one of ${CONFIG_ENTRY_KINDS.join(', ')} is a config entry; Kind service-intentions is an ` +
  'intentions entry; any other object with a Name is a service definition, the body of PUT /v1/agent/service/register ' +
  '(Kind absent or connect-proxy; a Consul-style {"service": {...}} or {"services": [...]} wrapper is unwrapped).';

/** Where a problem was found, and what it is. */
export interface Problem {
  /** The file, relative to the working directory when under it. */
  file: string;
  /** What in the file: `service-router "web"`, `service "web"`, `proxy web-sidecar-proxy`, or `` for the file itself. */
  entry: string;
  /** The field path inside the entry or resource, when the message names one. */
  field?: string;
  /** The rule broken or what is wrong. */
  message: string;
}

/** One object read from a file. */
export interface ConfigDocument {
  file: string;
  /** Position of the object in its file (0-based, across lists and YAML documents). */
  index: number;
  kind: 'config-entry' | 'intentions' | 'service';
  value: Record<string, unknown>;
}

/** Everything read: the objects, and the problems that kept other objects from being read. */
export interface ReadResult {
  documents: ConfigDocument[];
  problems: Problem[];
  files: string[];
}

/** One line for a person: `file: entry: field: message` (parts that are empty are left out). */
export function formatProblem(p: Problem): string {
  const parts = [p.file, p.entry, p.field ? `${p.field}: ${p.message}` : p.message].filter((s) => s !== '');
  return parts.join(': ');
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

async function collectFiles(p: string, explicit: boolean, out: string[], problems: Problem[]): Promise<void> {
  let info;
  try {
    info = await stat(p);
  } catch (err) {
    problems.push({ file: displayPath(p), entry: '', message: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message });
    return;
  }
  if (info.isDirectory()) {
    const names = (await readdir(p)).sort();
    for (const name of names) {
      if (name.startsWith('.')) continue;
      await collectFiles(path.join(p, name), false, out, problems);
    }
    return;
  }
  if (explicit || (CONFIG_FILE_EXTENSIONS as readonly string[]).includes(path.extname(p).toLowerCase())) out.push(p);
}

/** 1-based line and column of a character offset. */
function lineColumn(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, col: offset - before.lastIndexOf('\n') };
}

function parseJson(text: string): { ok: true; values: unknown[] } | { ok: false; message: string } {
  try {
    return { ok: true, values: [JSON.parse(text) as unknown] };
  } catch (err) {
    const msg = (err as Error).message;
    const m = /at position (\d+)/.exec(msg);
    if (!m) return { ok: false, message: `invalid JSON: ${msg}` };
    const { line, col } = lineColumn(text, Number(m[1]));
    return { ok: false, message: `invalid JSON at line ${line}, column ${col}: ${msg.replace(/\s*\(line \d+ column \d+\)/, '').replace(/ in JSON at position \d+.*$/, '')}` };
  }
}

function parseYaml(text: string): { ok: true; values: unknown[] } | { ok: false; message: string } {
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    const e = doc.errors[0];
    if (e) {
      const pos = e.linePos?.[0];
      const where = pos ? ` at line ${pos.line}, column ${pos.col}` : '';
      return { ok: false, message: `invalid YAML${where}: ${(e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}` };
    }
  }
  return { ok: true, values: list.map((d) => d.toJS() as unknown).filter((v) => v !== null && v !== undefined) };
}

const ENTRY_KINDS = new Set<string>(CONFIG_ENTRY_KINDS);

/** Splits file content into objects, unwrapping lists and Consul's `service`/`services` wrappers. */
function objectsOf(values: unknown[]): { objects: Record<string, unknown>[]; errors: string[] } {
  const objects: Record<string, unknown>[] = [];
  const errors: string[] = [];
  const add = (v: unknown, where: string): void => {
    if (Array.isArray(v)) v.forEach((item, i) => add(item, `${where}[${i}]`));
    else if (!isObject(v)) errors.push(`${where || 'file'}: expected an object or a list of objects, got ${v === null ? 'null' : typeof v}`);
    else {
      const keys = Object.keys(v);
      if (keys.length === 1 && (keys[0] === 'service' || keys[0] === 'services')) add(v[keys[0]], `${where}${keys[0]}`);
      else objects.push(v);
    }
  };
  values.forEach((v) => add(v, ''));
  return { objects, errors };
}

/** Which of the three an object is, or why it is none. */
export function classify(v: Record<string, unknown>): ConfigDocument['kind'] | string {
  const rawKind = v['Kind'] ?? v['kind'];
  const kind = typeof rawKind === 'string' ? rawKind.toLowerCase() : undefined;
  if (kind && ENTRY_KINDS.has(kind)) return 'config-entry';
  if (kind === 'service-intentions') return 'intentions';
  if (typeof v['Name'] === 'string' || (kind !== undefined && kind !== '')) return 'service';
  return 'neither a config entry (no Kind) nor a service definition (no Name)';
}

/** Reads every config file under the given paths (files and directories, recursively). */
export async function readConfigFiles(paths: readonly string[]): Promise<ReadResult> {
  const problems: Problem[] = [];
  const files: string[] = [];
  for (const p of paths) await collectFiles(path.resolve(p), true, files, problems);
  const documents: ConfigDocument[] = [];
  for (const abs of files) {
    const file = displayPath(abs);
    let text: string;
    try {
      text = await readFile(abs, 'utf8');
    } catch (err) {
      problems.push({ file, entry: '', message: (err as Error).message });
      continue;
    }
    const parsed = path.extname(abs).toLowerCase() === '.json' ? parseJson(text) : parseYaml(text);
    if (!parsed.ok) {
      problems.push({ file, entry: '', message: parsed.message });
      continue;
    }
    const { objects, errors } = objectsOf(parsed.values);
    for (const e of errors) problems.push({ file, entry: '', message: e });
    objects.forEach((value, index) => {
      const kind = classify(value);
      if (kind === 'config-entry' || kind === 'intentions' || kind === 'service') documents.push({ file, index, kind, value });
      else problems.push({ file, entry: `object ${index}`, message: kind });
    });
  }
  return { documents, problems, files: files.map(displayPath) };
}
