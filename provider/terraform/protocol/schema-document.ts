import type { ProviderSchema, SchemaBlock } from '../framework/schema';
import { tfplugin6 as tf } from './generated/protocol';

/**
 * The schema's two outward forms, from the plain schema document: the tfplugin6 answers
 * (GetProviderSchema, GetMetadata) and the JSON of `terraform providers schema -json`. Nothing
 * here loads the definitions, so the provider answers schema requests from the document
 * embedded at build time without paying for zod and the HTTP client.
 */

function schemaOf(b: SchemaBlock): tf.ISchema {
  return {
    version: b.version,
    block: {
      version: b.version,
      description: b.description,
      attributes: b.attributes.map((a) => ({ ...a, type: Buffer.from(JSON.stringify(a.type)) })),
    },
  };
}
const schemaMap = (m: Record<string, SchemaBlock>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, schemaOf(v)]));

// Terraform may reuse the schema of one provider process for the others of the same command.
const capabilities = { planDestroy: false, getProviderSchemaOptional: true };

export function getProviderSchema(s: ProviderSchema): tf.GetProviderSchema.IResponse {
  return {
    provider: schemaOf(s.provider),
    resourceSchemas: schemaMap(s.resources),
    dataSourceSchemas: schemaMap(s.dataSources),
    ephemeralResourceSchemas: schemaMap(s.ephemeralResources),
    serverCapabilities: capabilities,
  };
}

export function getMetadata(s: ProviderSchema): tf.GetMetadata.IResponse {
  const names = (m: Record<string, SchemaBlock>) => Object.keys(m).map((typeName) => ({ typeName }));
  return { serverCapabilities: capabilities, resources: names(s.resources), dataSources: names(s.dataSources), ephemeralResources: names(s.ephemeralResources) };
}

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
        ...(a.writeOnly ? { write_only: true } : {}),
      },
    ]),
  );
  return { version: b.version, block: { attributes, description: b.description, description_kind: 'plain' } };
}

/** What `terraform providers schema -json` prints for this provider: the input of the CDKTF generator. */
export function providersSchemaJson(s: ProviderSchema, source = 'registry.terraform.io/warden/warden') {
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
