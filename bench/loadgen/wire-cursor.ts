/**
 * A minimal reader of protobuf wire format: enough to walk a message's
 * top-level fields and find where length-delimited ones lie, without
 * building objects. Used to read ADS envelopes.
 */
/** Wire types (protobuf encoding). */
export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

/** A cursor over protobuf wire format; throws on truncated or malformed input, as a protobuf decoder does. */
export class WireCursor {
  pos: number;
  /** Where the payload of the last `span()` ends. */
  spanEnd = 0;

  constructor(
    readonly buf: Buffer,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  /** A varint of at most 32 significant bits (tags and lengths). */
  uint32(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const b = this.buf[this.pos++] as number;
      value += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return value;
    }
    throw new Error('varint longer than 32 bits');
  }

  /** Where a length-delimited field's payload starts (it ends at `spanEnd`); moves past it. */
  span(): number {
    const len = this.uint32();
    const start = this.pos;
    const end = start + len;
    if (end > this.end) throw new Error('length-delimited field runs past the message');
    this.pos = this.spanEnd = end;
    return start;
  }

  string(): string {
    const s = this.span();
    return this.buf.toString('utf8', s, this.spanEnd);
  }

  /** Moves past a field of `wireType` whose value is not wanted. */
  skip(wireType: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        for (let i = 0; ; i++) {
          if (this.pos >= this.end || i >= 10) throw new Error('bad varint');
          if ((this.buf[this.pos++] as number) < 0x80) return;
        }
      case WIRE_FIXED64:
        this.pos += 8;
        break;
      case WIRE_LEN:
        this.span();
        return;
      case WIRE_FIXED32:
        this.pos += 4;
        break;
      default:
        throw new Error(`unsupported wire type ${wireType}`);
    }
    if (this.pos > this.end) throw new Error('fixed-width field runs past the message');
  }
}
