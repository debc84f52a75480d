import { type Attribute, type AttributeType, dataSources, ephemeralResources, providerConfig, resources } from '../../resources';

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
  writeOnly: boolean;
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
      writeOnly: a.writeOnly === true,
    })),
  };
}

export interface ProviderSchema {
  provider: SchemaBlock;
  resources: Record<string, SchemaBlock>;
  dataSources: Record<string, SchemaBlock>;
  ephemeralResources: Record<string, SchemaBlock>;
}

/** The whole provider schema, derived from the definitions in provider/resources. */
export const providerSchema: ProviderSchema = {
  provider: block(providerConfig, 'Manages Warden service accounts, role bindings and API tokens.'),
  resources: Object.fromEntries(resources.map((r) => [r.typeName, block(r.attributes, r.description)])),
  dataSources: Object.fromEntries(dataSources.map((d) => [d.typeName, block(d.attributes, d.description)])),
  ephemeralResources: Object.fromEntries(ephemeralResources.map((e) => [e.typeName, block(e.attributes, e.description)])),
};

export { providersSchemaJson } from '../protocol/schema-document';
