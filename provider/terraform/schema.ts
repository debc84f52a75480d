import { type Attribute, type AttributeType, dataSources, ephemeralResources, providerConfig, resources } from '../resources';

/** cty type constraints as Terraform writes them in JSON. */
const CTY: Record<AttributeType, unknown> = {
  string: 'string',
  number: 'number',
  bool: 'bool',
  'set(string)': ['set', 'string'],
  'map(string)': ['map', 'string'],
};

export interface SchemaAttribute {
  name: string;
  type: unknown;
  description: string;
  required: boolean;
  optional: boolean;
  computed: boolean;
  sensitive: boolean;
}
export interface SchemaBlock {
  version: number;
  attributes: SchemaAttribute[];
  description: string;
}

function block(attributes: Record<string, Attribute>, description: string): SchemaBlock {
  return {
    version: 0,
    description,
    attributes: Object.entries(attributes).map(([name, a]) => ({
      name,
      type: CTY[a.type],
      description: a.description,
      required: a.mode === 'required',
      optional: a.mode === 'optional' || a.mode === 'optional+computed',
      computed: a.mode === 'computed' || a.mode === 'optional+computed',
      sensitive: a.sensitive === true,
    })),
  };
}

/** The whole provider schema, derived from the definitions in provider/resources. */
export const providerSchema = {
  provider: block(providerConfig, 'Manages Warden service accounts, role bindings and API tokens.'),
  resources: Object.fromEntries(resources.map((r) => [r.typeName, block(r.attributes, r.description)])),
  dataSources: Object.fromEntries(dataSources.map((d) => [d.typeName, block(d.attributes, d.description)])),
  ephemeralResources: Object.fromEntries(ephemeralResources.map((e) => [e.typeName, block(e.attributes, e.description)])),
};

function jsonBlock(b: SchemaBlock) {
  const attributes = Object.fromEntries(
    b.attributes.map((a) => [
      a.name,
      {
        type: a.type,
        description: a.description,
        description_kind: 'plain',
        ...(a.required ? { required: true } : {}),
        ...(a.optional ? { optional: true } : {}),
        ...(a.computed ? { computed: true } : {}),
        ...(a.sensitive ? { sensitive: true } : {}),
      },
    ]),
  );
  return { version: b.version, block: { attributes, description: b.description, description_kind: 'plain' } };
}

/** What `terraform providers schema -json` prints for this provider: the input of the CDKTF generator. */
export function providersSchemaJson(source = 'registry.terraform.io/warden/warden') {
  const s = providerSchema;
  const map = (m: Record<string, SchemaBlock>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, jsonBlock(v)]));
  return {
    format_version: '1.0',
    provider_schemas: {
      [source]: {
        provider: jsonBlock(s.provider),
        resource_schemas: map(s.resources),
        data_source_schemas: map(s.dataSources),
        ephemeral_resource_schemas: map(s.ephemeralResources),
      },
    },
  };
}
