// Reading what a collector answers: Export…ServiceResponse.partial_success (collector/*/v1/*_service.proto:
// 1 partial_success { 1 rejected_spans | rejected_log_records (int64), 2 error_message }) and, for gRPC, the
// google.rpc.RetryInfo inside grpc-status-details-bin (google.rpc.Status: 3 details (Any: 1 type_url, 2 value);
// RetryInfo: 1 retry_delay (Duration: 1 seconds, 2 nanos)).

export interface PartialSuccess {
  rejected: number;
  errorMessage: string;
}

/** A minimal protobuf reader: varints, length-delimited slices, skipping. Throws on truncated input. */
class Reader {
  pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  varint(): number {
    let result = 0;
    let factor = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint');
      const b = this.buf[this.pos++] as number;
      // Up to 2^53 exactly; larger counts do not occur (and would only lose precision).
      result += (b & 0x7f) * factor;
      factor *= 128;
      if (b < 0x80) return result;
    }
    throw new Error('varint longer than 10 bytes');
  }

  bytes(): Uint8Array {
    const len = this.varint();
    const end = this.pos + len;
    if (end > this.buf.length) throw new Error('truncated field');
    const out = this.buf.subarray(this.pos, end);
    this.pos = end;
    return out;
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 2) this.bytes();
    else if (wireType === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wireType}`);
  }
}

/** Fields of one message as (field number, wire type) pairs handed to `onField`, which must consume the value. */
function eachField(buf: Uint8Array, onField: (r: Reader, field: number, wireType: number) => boolean): void {
  const r = new Reader(buf);
  while (!r.done) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wireType = tag & 7;
    if (!onField(r, field, wireType)) r.skip(wireType);
  }
}

/** partial_success of an Export…ServiceResponse; rejected = 0 when absent. Malformed bodies count as success. */
export function parsePartialSuccess(response: Uint8Array): PartialSuccess {
  const out: PartialSuccess = { rejected: 0, errorMessage: '' };
  try {
    eachField(response, (r, field, wireType) => {
      if (field !== 1 || wireType !== 2) return false;
      eachField(r.bytes(), (p, f, w) => {
        if (f === 1 && w === 0) out.rejected = p.varint();
        else if (f === 2 && w === 2) out.errorMessage = Buffer.from(p.bytes()).toString('utf8');
        else return false;
        return true;
      });
      return true;
    });
  } catch {
    // An answer we cannot read is not a reason to drop data the collector accepted (2xx / OK).
  }
  return out;
}

const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';

/** The retry delay (ms) a gRPC server asked for in grpc-status-details-bin, if any. */
export function retryDelayFromStatusDetails(details: Uint8Array): number | undefined {
  let delay: number | undefined;
  try {
    eachField(details, (r, field, wireType) => {
      if (field !== 3 || wireType !== 2) return false;
      let typeUrl = '';
      let value: Uint8Array | undefined;
      eachField(r.bytes(), (a, f, w) => {
        if (f === 1 && w === 2) typeUrl = Buffer.from(a.bytes()).toString('utf8');
        else if (f === 2 && w === 2) value = a.bytes();
        else return false;
        return true;
      });
      if (typeUrl !== RETRY_INFO_TYPE || !value) return true;
      eachField(value, (ri, f, w) => {
        if (f !== 1 || w !== 2) return false;
        let seconds = 0;
        let nanos = 0;
        eachField(ri.bytes(), (d, df, dw) => {
          if (df === 1 && dw === 0) seconds = d.varint();
          else if (df === 2 && dw === 0) nanos = d.varint();
          else return false;
          return true;
        });
        delay = seconds * 1000 + Math.ceil(nanos / 1e6);
        return true;
      });
      return true;
    });
  } catch {
    return undefined;
  }
  return delay;
}
