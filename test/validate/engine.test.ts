/**
 * Rule kinds that no loaded Envoy field uses (int64/uint64/float/sint/fixed rules, exclusive ranges,
 * bytes prefix/ip, string email/uuid/uri/..., timestamps, map no_sparse/max_pairs, any.in,
 * message.skip, (validate.disabled)/(validate.ignored)) tested on a tiny proto parsed here
 * against the same validate/validate.proto.
 */
import fs from 'node:fs';
import path from 'node:path';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { PROTO_INCLUDE_DIRS } from '../../xds/protos.ts';
import { rulesBroken } from './helpers.ts';

const TINY = `
syntax = "proto3";
package tiny;
import "validate/validate.proto";
import "google/protobuf/duration.proto";
import "google/protobuf/timestamp.proto";
import "google/protobuf/any.proto";

message S {
  string c = 1 [(validate.rules).string.const = "k"];
  string len = 2 [(validate.rules).string = {len: 2, ignore_empty: true}];
  string maxl = 3 [(validate.rules).string.max_len = 3];
  string lb = 4 [(validate.rules).string = {len_bytes: 4, ignore_empty: true}];
  string minb = 5 [(validate.rules).string = {min_bytes: 3, ignore_empty: true}];
  string affix = 6 [(validate.rules).string = {prefix: "p-", suffix: "-s", contains: "mid", not_contains: "bad", ignore_empty: true}];
  string notin = 7 [(validate.rules).string = {not_in: ["x", "y"]}];
  string email = 8 [(validate.rules).string = {email: true, ignore_empty: true}];
  string host = 9 [(validate.rules).string = {hostname: true, ignore_empty: true}];
  string ip = 10 [(validate.rules).string = {ip: true, ignore_empty: true}];
  string ipv4 = 11 [(validate.rules).string = {ipv4: true, ignore_empty: true}];
  string ipv6 = 12 [(validate.rules).string = {ipv6: true, ignore_empty: true}];
  string uri = 13 [(validate.rules).string = {uri: true, ignore_empty: true}];
  string uri_ref = 14 [(validate.rules).string = {uri_ref: true, ignore_empty: true}];
  string addr = 15 [(validate.rules).string = {address: true, ignore_empty: true}];
  string uuid = 16 [(validate.rules).string = {uuid: true, ignore_empty: true}];
  string pat = 17 [(validate.rules).string = {pattern: "(?i)^a\\\\s+b\\\\z", ignore_empty: true}];
  string minl = 18 [(validate.rules).string = {min_len: 2, ignore_empty: true}];
}

message N {
  int64 i64 = 1 [(validate.rules).int64 = {gte: -5, lte: 5}];
  uint64 u64 = 2 [(validate.rules).uint64 = {gt: 10000000000}];
  sint32 s32 = 3 [(validate.rules).sint32 = {lt: 0, gt: 10}];
  sint64 s64 = 4 [(validate.rules).sint64 = {in: [1, 2, 3]}];
  fixed32 f32 = 5 [(validate.rules).fixed32 = {not_in: [0]}];
  fixed64 f64 = 6 [(validate.rules).fixed64 = {const: 7}];
  sfixed32 sf32 = 7 [(validate.rules).sfixed32 = {lte: 0, gte: 100}];
  sfixed64 sf64 = 8 [(validate.rules).sfixed64 = {gte: 0}];
  float fl = 9 [(validate.rules).float = {gt: 0.5, lt: 1.5}];
  double db = 10 [(validate.rules).double = {in: [0, 2.5]}];
  int32 i32 = 11 [(validate.rules).int32 = {const: 0}];
  uint32 u32 = 12 [(validate.rules).uint32 = {gt: 0, ignore_empty: true}];
}

enum Color { RED = 0; GREEN = 1; BLUE = 2; }
message E {
  Color c = 1 [(validate.rules).enum.const = 0];
  Color i = 2 [(validate.rules).enum = {in: [0, 1]}];
  bool b = 3 [(validate.rules).bool.const = false];
  bytes bc = 4 [(validate.rules).bytes = {prefix: "ab", suffix: "yz", contains: "m", ignore_empty: true}];
  bytes bip = 5 [(validate.rules).bytes = {ipv4: true, ignore_empty: true}];
  bytes blen = 6 [(validate.rules).bytes = {len: 2, ignore_empty: true}];
}

message Inner { string v = 1 [(validate.rules).string.min_len = 1]; }
message Off { option (validate.disabled) = true; string v = 1 [(validate.rules).string.min_len = 1]; Inner in = 2; }
message Ign { option (validate.ignored) = true; string v = 1 [(validate.rules).string.min_len = 1]; }
message M {
  Inner skipped = 1 [(validate.rules).message.skip = true];
  Inner checked = 2;
  Off off = 3;
  Ign ign = 4;
  map<string, Inner> dense = 5 [(validate.rules).map = {no_sparse: true, max_pairs: 2, values: {message: {required: true}}}];
  map<int32, string> ints = 6 [(validate.rules).map = {keys: {int32: {gt: 0}}, values: {string: {min_len: 1}}, ignore_empty: true, min_pairs: 1}];
  repeated int64 uniq = 7 [(validate.rules).repeated = {unique: true, items: {int64: {gt: 0}}}];
  repeated Inner items = 8 [(validate.rules).repeated = {min_items: 1, ignore_empty: true}];
  oneof pick { option (validate.required) = true; string a = 9; string b = 10; }
}

message T {
  google.protobuf.Duration d = 1 [(validate.rules).duration = {const: {seconds: 1}}];
  google.protobuf.Duration din = 2 [(validate.rules).duration = {in {seconds: 1} in {seconds: 2} not_in {seconds: 2}}];
  google.protobuf.Duration dx = 3 [(validate.rules).duration = {lt: {seconds: 1}, gt: {seconds: 5}}];
  google.protobuf.Duration dle = 4 [(validate.rules).duration = {lte: {seconds: 1, nanos: 500000000}}];
  google.protobuf.Timestamp past = 5 [(validate.rules).timestamp = {lt_now: true, within: {seconds: 3600}}];
  google.protobuf.Timestamp future = 6 [(validate.rules).timestamp = {gt_now: true}];
  google.protobuf.Timestamp fixed = 7 [(validate.rules).timestamp = {required: true, gte: {seconds: 0}, lt: {seconds: 4102444800}}];
  google.protobuf.Any any = 8 [(validate.rules).any = {in: ["type.googleapis.com/tiny.Inner"]}];
  google.protobuf.Any nany = 9 [(validate.rules).any = {not_in: ["type.googleapis.com/tiny.Off"]}];
}
`;

function tinyRoot(): protobuf.Root {
  const dir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'tiny-proto-'));
  const file = path.join(dir, 'tiny.proto');
  fs.writeFileSync(file, TINY);
  const root = new protobuf.Root();
  root.resolvePath = (origin, target) => {
    if (path.isAbsolute(target)) return target;
    for (const d of PROTO_INCLUDE_DIRS) if (fs.existsSync(path.join(d, target))) return path.join(d, target);
    return path.resolve(path.dirname(origin), target);
  };
  root.loadSync(file, { keepCase: true });
  root.resolveAll();
  fs.rmSync(dir, { recursive: true });
  return root;
}

const root = tinyRoot();
const NOW = new Date('2025-06-01T12:00:00Z');
const opts = { root, now: () => NOW };
const broken = (type: string, r: object): string[] => rulesBroken(`tiny.${type}`, r, opts);
const S_OK = { c: 'k', notin: 'z' };

describe('string rule engine', () => {
  it('each rule fails when broken and passes when kept', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ c: 'j' }, 'c: string.const "k"'],
      [{ len: 'abc' }, 'len: string.len 2'],
      [{ maxl: 'abcd' }, 'maxl: string.max_len 3'],
      [{ lb: 'abc' }, 'lb: string.len_bytes 4'],
      [{ minb: 'ab' }, 'minb: string.min_bytes 3'],
      [{ affix: 'x-mid-s' }, 'affix: string.prefix "p-"'],
      [{ affix: 'p-mid' }, 'affix: string.suffix "-s"'],
      [{ notin: 'x' }, 'notin: string.not_in ["x", "y"]'],
      [{ email: 'no-at.example.com' }, 'email: string.email'],
      [{ host: '-bad.example' }, 'host: string.hostname'],
      [{ ip: '1.2.3' }, 'ip: string.ip'],
      [{ ipv4: '::1' }, 'ipv4: string.ipv4'],
      [{ ipv6: '10.0.0.1' }, 'ipv6: string.ipv6'],
      [{ uri: '/relative/path' }, 'uri: string.uri'],
      [{ uri_ref: 'a b' }, 'uri_ref: string.uri_ref'],
      [{ addr: 'under_score.example' }, 'addr: string.address'],
      [{ uuid: '1234' }, 'uuid: string.uuid'],
      [{ pat: 'a b\n' }, 'pat: string.pattern "(?i)^a\\\\s+b\\\\z"'],
    ];
    for (const [patch, rule] of cases) expect(broken('S', { ...S_OK, ...patch }), rule).toEqual([rule]);
    expect(broken('S', { ...S_OK, affix: 'p-a-bad-mid-s' })).toEqual(['affix: string.not_contains "bad"']);
    expect(broken('S', { ...S_OK, affix: 'p--s' })).toEqual(['affix: string.contains "mid"']);
    const good = {
      ...S_OK, len: 'ab', maxl: 'abc', lb: 'éé', minb: 'é€', affix: 'p-mid-s', email: 'Ops <ops@example.com>', host: 'db.example.com.',
      ip: '::1', ipv4: '10.0.0.1', ipv6: 'fe80::1', uri: 'spiffe://td/ns/default', uri_ref: '../a?b=%20', addr: 'db-1.example', uuid: '123e4567-E89B-12d3-a456-426614174000',
      pat: 'A \t B',
    };
    expect(broken('S', good)).toEqual([]);
  });

  it('min_len and len count code points, not UTF-16 units', () => {
    expect(broken('S', { ...S_OK, len: '😀😀' })).toEqual([]);
    expect(broken('S', { ...S_OK, minl: '😀' })).toEqual(['minl: string.min_len 2']);
  });

  it('unset strings are their zero value "" (const "k" fails), ignore_empty skips ""', () => {
    expect(broken('S', {})).toEqual(['c: string.const "k"']);
  });
});

describe('number, enum, bool and bytes rule engine', () => {
  it('64-bit kinds compare exactly, from numbers or decimal strings', () => {
    const ok = { s32: 11, fl: 1 };
    expect(broken('N', { ...ok, i64: '6', u64: '10000000001', s64: 1, f32: 1, f64: 7 })).toEqual(['i64: int64.lte 5']);
    expect(broken('N', { ...ok, i64: -6, u64: '10000000001', s64: 1, f32: 1, f64: 7 })).toEqual(['i64: int64.gte -5']);
    expect(broken('N', { ...ok, u64: '10000000000', s64: 2, f32: 1, f64: '7' })).toEqual(['u64: uint64.gt 10000000000']);
    expect(broken('N', { ...ok, u64: '18446744073709551615', s64: 3, f32: 1, f64: 7 })).toEqual([]);
  });

  it('lt < gt means the value must lie outside the range (sint32 {lt: 0, gt: 10}, sfixed32 {lte: 0, gte: 100})', () => {
    const base = { u64: '10000000001', s64: 1, f32: 1, f64: 7, s32: -1, fl: 1 };
    expect(broken('N', { ...base, s32: 5 })).toEqual(['s32: sint32.lt 0 || gt 10']);
    expect(broken('N', { ...base, s32: -1, sf32: 50 })).toEqual(['sf32: sfixed32.lte 0 || gte 100']);
    expect(broken('N', { ...base, s32: 11, sf32: 100 })).toEqual([]);
    expect(broken('N', { ...base, s32: -1, sf32: 0 })).toEqual([]);
  });

  it('in, not_in, const, float ranges, ignore_empty on numbers', () => {
    const base = { u64: '10000000001', s64: 1, f32: 1, f64: 7, s32: -1, fl: 1 };
    expect(broken('N', { ...base, s64: 4 })).toEqual(['s64: sint64.in [1, 2, 3]']);
    expect(broken('N', { ...base, f32: 0 })).toEqual(['f32: fixed32.not_in [0]']);
    expect(broken('N', { ...base, f64: 8 })).toEqual(['f64: fixed64.const 7']);
    expect(broken('N', { ...base, fl: 1.5 })).toEqual(['fl: float.lt 1.5']);
    expect(broken('N', { ...base, fl: 'NaN' })).toEqual(['fl: float.gt 0.5', 'fl: float.lt 1.5']);
    expect(broken('N', { ...base, db: 1 })).toEqual(['db: double.in [0, 2.5]']);
    expect(broken('N', { ...base, i32: 1 })).toEqual(['i32: int32.const 0']);
    expect(broken('N', { ...base, sf64: -1 })).toEqual(['sf64: sfixed64.gte 0']);
    expect(broken('N', { ...base, fl: 1, db: 2.5, u32: 0 })).toEqual([]);
  });

  it('enum const/in, bool const, bytes prefix/suffix/contains/ipv4/len', () => {
    expect(broken('E', { c: 'GREEN' })).toEqual(['c: enum.const 0']);
    expect(broken('E', { i: 'BLUE' })).toEqual(['i: enum.in [0, 1]']);
    expect(broken('E', { b: true })).toEqual(['b: bool.const false']);
    expect(broken('E', { bc: Buffer.from('xmyz').toString('base64') })).toEqual(['bc: bytes.prefix 0x6162']);
    expect(broken('E', { bc: Buffer.from('abmy') })).toEqual(['bc: bytes.suffix 0x797a']);
    expect(broken('E', { bc: Buffer.from('abyz') })).toEqual(['bc: bytes.contains 0x6d']);
    expect(broken('E', { bip: Buffer.from([10, 0, 0]) })).toEqual(['bip: bytes.ipv4']);
    expect(broken('E', { blen: 'AAAA' })).toEqual(['blen: bytes.len 2']);
    expect(broken('E', { c: 'RED', i: 1, b: false, bc: Buffer.from('abmyz'), bip: Buffer.from([10, 0, 0, 1]), blen: 'AAA=' })).toEqual([]);
  });
});

describe('message, map, repeated, oneof rule engine', () => {
  const base = { a: 'x' };
  it('message.skip, (validate.disabled) and (validate.ignored) turn rules off below them, not the schema', () => {
    expect(broken('M', { ...base, checked: { v: '' } })).toEqual(['checked.v: string.min_len 1']);
    expect(broken('M', { ...base, skipped: { v: '' }, off: { v: '', in: { v: '' } }, ign: { v: '' } })).toEqual([]);
    expect(broken('M', { ...base, skipped: { w: 1 } })).toEqual(['skipped.w: schema.unknown_field']);
  });

  it('map no_sparse, max_pairs, values message.required, keys int32 gt, values string, min_pairs with ignore_empty', () => {
    expect(broken('M', { ...base, dense: { a: null } })).toEqual(['dense["a"]: map.no_sparse']);
    expect(broken('M', { ...base, dense: { a: { v: 'x' }, b: { v: 'x' }, c: { v: 'x' } } })).toEqual(['dense: map.max_pairs 2']);
    expect(broken('M', { ...base, ints: { '0': 'a', '2': '' } })).toEqual(['ints["0"]: int32.gt 0', 'ints["2"]: string.min_len 1']);
    expect(broken('M', { ...base, ints: { x: 'a' } })).toEqual(['ints["x"]: schema.type']);
    expect(broken('M', { ...base, ints: {}, dense: { a: { v: 'x' } } })).toEqual([]);
  });

  it('repeated unique (normalised values), items rules, min_items with ignore_empty', () => {
    expect(broken('M', { ...base, uniq: [1, '2', '1'] })).toEqual(['uniq: repeated.unique']);
    expect(broken('M', { ...base, uniq: [1, 0] })).toEqual(['uniq[1]: int64.gt 0']);
    expect(broken('M', { ...base, uniq: [1, 2], items: [] })).toEqual([]);
  });

  it('oneof required, and at most one member', () => {
    expect(broken('M', {})).toEqual(['pick: oneof.required']);
    expect(broken('M', { a: 'x', b: 'y' })).toEqual(['pick: schema.oneof']);
    expect(broken('M', { b: '' })).toEqual([]);
  });
});

describe('duration, timestamp and any rule engine', () => {
  it('duration const, in/not_in, exclusive range, lte with nanos', () => {
    expect(broken('T', { d: '2s', fixed: { seconds: 1 } })).toEqual(['d: duration.const 1s']);
    expect(broken('T', { din: { seconds: 3 }, fixed: { seconds: 1 } })).toEqual(['din: duration.in [1s, 2s]']);
    expect(broken('T', { din: { seconds: 2 }, fixed: { seconds: 1 } })).toEqual(['din: duration.not_in [2s]']);
    expect(broken('T', { dx: '3s', fixed: { seconds: 1 } })).toEqual(['dx: duration.lt 1s || gt 5s']);
    expect(broken('T', { dle: '1.500000001s', fixed: { seconds: 1 } })).toEqual(['dle: duration.lte 1.5s']);
    expect(broken('T', { d: { seconds: 1 }, din: '1s', dx: '6s', dle: { seconds: 1, nanos: 500000000 }, fixed: { seconds: 1 } })).toEqual([]);
  });

  it('timestamps: required, gte/lt, lt_now with within, gt_now against the injected clock', () => {
    const nowS = NOW.getTime() / 1000;
    expect(broken('T', {})).toEqual(['fixed: timestamp.required']);
    expect(broken('T', { fixed: '2100-01-01T00:00:00Z' })).toEqual(['fixed: timestamp.lt 2100-01-01T00:00:00.000Z']);
    expect(broken('T', { fixed: { seconds: 1 }, past: { seconds: nowS + 1 } })).toEqual(['past: timestamp.lt_now']);
    expect(broken('T', { fixed: { seconds: 1 }, past: { seconds: nowS - 7200 } })).toEqual(['past: timestamp.within 3600s']);
    expect(broken('T', { fixed: { seconds: 1 }, future: '2025-06-01T11:00:00Z' })).toEqual(['future: timestamp.gt_now']);
    expect(broken('T', { fixed: { seconds: 1 }, past: { seconds: nowS - 60 }, future: '2025-06-01T13:00:00.5+00:00' })).toEqual([]);
  });

  it('any in / not_in on the type URL; the payload is validated too', () => {
    expect(broken('T', { fixed: { seconds: 1 }, any: { '@type': 'type.googleapis.com/tiny.Ign' } })).toEqual(['any: any.in ["type.googleapis.com/tiny.Inner"]']);
    expect(broken('T', { fixed: { seconds: 1 }, nany: { '@type': 'type.googleapis.com/tiny.Off' } })).toEqual(['nany: any.not_in ["type.googleapis.com/tiny.Off"]']);
    expect(broken('T', { fixed: { seconds: 1 }, any: { '@type': 'type.googleapis.com/tiny.Inner', v: '' } })).toEqual(['any.v: string.min_len 1']);
    expect(broken('T', { fixed: { seconds: 1 }, any: { '@type': 'type.googleapis.com/tiny.Inner', v: 'ok' } })).toEqual([]);
  });
});
