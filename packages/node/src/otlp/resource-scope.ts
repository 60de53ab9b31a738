// Resource and InstrumentationScope, encoded once and reused: every batch of a process carries the same resource
// and a handful of scopes, so their bytes are cached per object (a WeakMap, so a dropped provider frees them).
//   Resource: 1 attributes, 2 dropped_attributes_count.
//   InstrumentationScope: 1 name, 2 version, 3 attributes, 4 dropped_attributes_count.
import type { Resource } from '@opentelemetry/resources';
import { writeKeyValues } from './any-value.js';
import { ProtoWriter } from './proto-writer.js';

export interface ScopeLike {
  readonly name: string;
  readonly version?: string;
  readonly schemaUrl?: string;
  readonly attributes?: Record<string, unknown>;
  readonly droppedAttributesCount?: number;
}

const scratch = new ProtoWriter(4096);
const resourceBytes = new WeakMap<Resource, Uint8Array>();
const scopeBytes = new WeakMap<ScopeLike, Uint8Array>();

/** Field 1 (tag, length, Resource message) of ResourceSpans / ResourceLogs. */
export function resourceField(resource: Resource): Uint8Array {
  let bytes = resourceBytes.get(resource);
  if (bytes !== undefined) return bytes;
  scratch.reset();
  scratch.byte(0x0a);
  const start = scratch.begin(2);
  // Attributes still being detected asynchronously are not final: encode them, but do not cache that state.
  const pending = resource.asyncAttributesPending === true;
  writeKeyValues(scratch, 0x0a, resource.attributes as Record<string, unknown>);
  scratch.end(start, 2);
  bytes = scratch.finish();
  if (!pending) resourceBytes.set(resource, bytes);
  return bytes;
}

/** Field 1 (tag, length, InstrumentationScope message) of ScopeSpans / ScopeLogs. */
export function scopeField(scope: ScopeLike): Uint8Array {
  let bytes = scopeBytes.get(scope);
  if (bytes !== undefined) return bytes;
  scratch.reset();
  scratch.byte(0x0a);
  const start = scratch.begin(1);
  scratch.byte(0x0a);
  scratch.string(scope.name);
  if (scope.version) {
    scratch.byte(0x12);
    scratch.string(scope.version);
  }
  if (scope.attributes) writeKeyValues(scratch, 0x1a, scope.attributes);
  if (scope.droppedAttributesCount) {
    scratch.byte(0x20);
    scratch.uint32(scope.droppedAttributesCount);
  }
  scratch.end(start, 1);
  bytes = scratch.finish();
  scopeBytes.set(scope, bytes);
  return bytes;
}

/** Groups items by resource (identity) and then by scope, keeping first-seen order, as the official encoder does. */
export function groupByResourceAndScope<T extends { readonly resource: Resource }>(
  items: readonly T[],
  scopeKey: (item: T) => unknown,
): Map<Resource, Map<unknown, T[]>> {
  const out = new Map<Resource, Map<unknown, T[]>>();
  let lastResource: Resource | undefined;
  let lastScopes: Map<unknown, T[]> | undefined;
  let lastKey: unknown;
  let lastList: T[] | undefined;
  for (const item of items) {
    if (item.resource !== lastResource) {
      lastResource = item.resource;
      lastScopes = out.get(lastResource);
      if (lastScopes === undefined) {
        lastScopes = new Map();
        out.set(lastResource, lastScopes);
      }
      lastKey = undefined;
      lastList = undefined;
    }
    const key = scopeKey(item);
    if (key !== lastKey || lastList === undefined) {
      lastKey = key;
      lastList = (lastScopes as Map<unknown, T[]>).get(key);
      if (lastList === undefined) {
        lastList = [];
        (lastScopes as Map<unknown, T[]>).set(key, lastList);
      }
    }
    lastList.push(item);
  }
  return out;
}
