import { ExtData, ExtensionCodec, decode, encode } from '@msgpack/msgpack';
import { type Attribute, type State, Unknown, type Value, complete } from '../../resources';

/**
 * cty's msgpack encoding, as Terraform sends and expects values: an object is a map of attribute
 * names, null is nil, and an unknown value is an extension (type 0 when plain, 12 when refined:
 * every extension is read as unknown, and we write plain unknowns only).
 */
const codec = new ExtensionCodec();
codec.register({ type: 0, encode: (value) => (value === Unknown ? new Uint8Array([0]) : null), decode: () => Unknown });

function unknownExtensions(value: unknown): Value {
  if (value instanceof ExtData) return Unknown;
  if (Array.isArray(value)) return value.map(unknownExtensions);
  if (value instanceof Uint8Array) return Buffer.from(value).toString();
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, unknownExtensions(v)]));
  }
  return value as Value;
}

export function decodeValue(bytes: Uint8Array | null | undefined): Value {
  if (!bytes || bytes.length === 0) return null;
  return unknownExtensions(decode(bytes, { extensionCodec: codec }));
}

/** An object value of a schema: a missing or null object decodes as null. */
export function decodeObject(bytes: Uint8Array | null | undefined, attributes: Record<string, Attribute>): State | null {
  const value = decodeValue(bytes);
  if (value === null || value === Unknown || typeof value !== 'object' || Array.isArray(value)) return null;
  return complete(attributes, value);
}

export function encodeValue(value: Value): Uint8Array {
  return encode(value, { extensionCodec: codec, ignoreUndefined: false });
}

/** A state stored as JSON (UpgradeResourceState's raw state), completed to the schema's shape. */
export function decodeJsonState(json: Uint8Array, attributes: Record<string, Attribute>): State {
  return complete(attributes, JSON.parse(Buffer.from(json).toString('utf8')) as Record<string, Value>);
}
