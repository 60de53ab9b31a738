// Builds one Export{Trace,Logs}ServiceRequest from items written one at a time: each span or log record is encoded
// into the buffer of its (resource, scope) as soon as it is added, and seal() frames those buffers as
//   1 Resource{Spans,Logs}: 1 resource, 2 Scope{Spans,Logs} (1 scope, 2 items…, 3 schema_url), 3 schema_url
// The SDK encodes each span when it ends (see encoding-batcher.ts): the work is spread over the requests that made
// the spans instead of stalling the event loop for a whole batch at export time, and the span objects die young.
import type { Resource } from '@opentelemetry/resources';
import { MAX_KEPT_BYTES, ProtoWriter } from './proto-writer.js';
import { resourceField, type ScopeLike, scopeField } from './resource-scope.js';

interface ScopeGroup {
  readonly scope: ScopeLike;
  readonly writer: ProtoWriter;
}

export interface BatchItemCodec<T> {
  /** Writes the item as field 2 of its Scope{Spans,Logs} (tag, length, message). */
  write(w: ProtoWriter, item: T): void;
  resource(item: T): Resource;
  scope(item: T): ScopeLike;
  /** Items whose keys are equal share one Scope{Spans,Logs}. */
  scopeKey(item: T): unknown;
}

const GROUP_BUFFER_BYTES = 16 * 1024;
const MAX_SPARE_WRITERS = 8;

export class ProtoBatchBuilder<T> {
  /** Items added since the last seal(). */
  count = 0;
  private readonly groups = new Map<Resource, Map<unknown, ScopeGroup>>();
  /** Buffers of the last batch's groups, reused (they have grown to the size a batch needs). */
  private readonly spareWriters: ProtoWriter[] = [];
  private readonly out = new ProtoWriter();
  private lastResource: Resource | undefined;
  private lastKey: unknown;
  private lastGroup: ScopeGroup | undefined;
  private adding = false;

  constructor(private readonly codec: BatchItemCodec<T>) {}

  /** Encodes the item now. Throws only when the item cannot be encoded; nothing of it is kept then. */
  add(item: T): void {
    // An item's values are read while it is written; one that adds another item then (a getter that logs) would
    // write into the middle of the first.
    if (this.adding) throw new Error('an item was added while another was being encoded');
    const group = this.groupOf(item);
    const w = group.writer;
    const mark = w.pos;
    this.adding = true;
    try {
      this.codec.write(w, item);
    } catch (err) {
      w.pos = mark;
      throw err;
    } finally {
      this.adding = false;
    }
    this.count++;
  }

  /** Adds `items` and seals them as one request; if one cannot be encoded, throws and keeps none of them. */
  encode(items: readonly T[]): Uint8Array {
    try {
      for (const item of items) this.add(item);
    } catch (err) {
      this.seal();
      throw err;
    }
    return this.seal();
  }

  private groupOf(item: T): ScopeGroup {
    const resource = this.codec.resource(item);
    const key = this.codec.scopeKey(item);
    if (resource === this.lastResource && key === this.lastKey && this.lastGroup !== undefined) return this.lastGroup;
    let scopes = this.groups.get(resource);
    if (scopes === undefined) {
      scopes = new Map();
      this.groups.set(resource, scopes);
    }
    let group = scopes.get(key);
    if (group === undefined) {
      group = { scope: this.codec.scope(item), writer: this.spareWriters.pop() ?? new ProtoWriter(GROUP_BUFFER_BYTES) };
      scopes.set(key, group);
    }
    this.lastResource = resource;
    this.lastKey = key;
    this.lastGroup = group;
    return group;
  }

  /**
   * The request holding every item added since the last seal (an empty request when there were none), resources and
   * scopes in first-seen order; the builder starts over and keeps no reference to this batch's resources or scopes.
   */
  seal(): Uint8Array {
    const w = this.out;
    w.reset();
    for (const [resource, scopes] of this.groups) {
      // A group can be empty: its only item failed to encode.
      let empty = true;
      for (const group of scopes.values()) if (group.writer.pos > 0) empty = false;
      if (empty) continue;
      w.byte(0x0a);
      const rs = w.begin(3);
      w.raw(resourceField(resource));
      for (const group of scopes.values()) {
        if (group.writer.pos === 0) continue;
        const scope = group.scope;
        w.byte(0x12);
        const ss = w.begin(3);
        w.raw(scopeField(scope));
        w.raw(group.writer.buf.subarray(0, group.writer.pos));
        if (scope.schemaUrl) {
          w.byte(0x1a);
          w.string(scope.schemaUrl);
        }
        w.end(ss, 3);
        group.writer.reset();
        if (this.spareWriters.length < MAX_SPARE_WRITERS && group.writer.buf.length <= MAX_KEPT_BYTES)
          this.spareWriters.push(group.writer);
      }
      if (resource.schemaUrl) {
        w.byte(0x1a);
        w.string(resource.schemaUrl);
      }
      w.end(rs, 3);
    }
    this.groups.clear();
    this.count = 0;
    this.lastResource = undefined;
    this.lastKey = undefined;
    this.lastGroup = undefined;
    return w.finish();
  }
}
