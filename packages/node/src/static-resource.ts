// The process's Resource: attributes known at start, none detected later. The SDK's resourceFromAttributes requires
// @opentelemetry/core's index and @opentelemetry/semantic-conventions, 27 ms of the SDK's start (bench:sdk:startup) for
// an object the encoders only read; the SDK's implementation is loaded only if something merges this resource.
import type { Attributes } from '@opentelemetry/api';
import type { RawResourceAttribute, Resource } from '@opentelemetry/resources';

type SdkResourceFromAttributes = (attributes: Attributes) => Resource;

export class StaticResource implements Resource {
  readonly asyncAttributesPending = false;
  readonly schemaUrl: string | undefined = undefined;
  readonly attributes: Attributes;

  constructor(attributes: Attributes) {
    this.attributes = Object.freeze({ ...attributes });
  }

  async waitForAsyncAttributes(): Promise<void> {}

  getRawAttributes(): RawResourceAttribute[] {
    return Object.entries(this.attributes);
  }

  /** The SDK's merge (the other resource's attributes win; schema URLs reconciled), on the SDK's own Resource. */
  merge(other: Resource | null): Resource {
    if (other == null) return this;
    const { resourceFromAttributes } = require('@opentelemetry/resources/build/src/ResourceImpl') as {
      resourceFromAttributes: SdkResourceFromAttributes;
    };
    return resourceFromAttributes(this.attributes).merge(other);
  }
}
