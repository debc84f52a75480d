import type { z } from 'zod';
import type { WardenClient } from '../../api-client';
import { type Problem, render, snakeName } from './problem';

/**
 * The language every resource definition is written in. Terraform's schema and plan, Pulumi's
 * check/diff and the CDKTF bindings are all derived from these declarations, so an attribute is
 * described exactly once.
 */

/** A value not known until apply (Terraform's unknown, Pulumi's computed output). */
export const Unknown: unique symbol = Symbol.for('warden-iac.unknown');
export type Unknown = typeof Unknown;
export type Value = string | number | boolean | null | Unknown | Value[] | { [key: string]: Value };
/** Attribute name (snake_case, as in Terraform) to value; every attribute is present. */
export type State = Record<string, Value>;

export type AttributeType = 'string' | 'number' | 'bool' | 'set(string)' | 'map(string)';

export interface Attribute {
  type: AttributeType;
  description: string;
  /** required: the user must set it. optional: may set it. computed: the server sets it (also when optional and unset). */
  mode: 'required' | 'optional' | 'computed' | 'optional+computed';
  sensitive?: boolean;
  /** A change of this attribute replaces the object (Terraform "forces replacement"). */
  replace?: boolean;
  /** Planned when the user leaves the attribute unset; implies optional+computed. */
  default?: Value;
  /** Checks a known, non-null value; the message is shown with the attribute's path. */
  validate?: z.ZodType;
  /** Computed only: becomes unknown when any of these attributes changes. */
  dependsOn?: string[];
  /**
   * Configuration only, never stored (Terraform 1.11+ write-only: the value reaches the provider in
   * the configuration of a plan and an apply, and is null in plan and state files). Optional, never computed.
   */
  writeOnly?: boolean;
  /**
   * May be null in state although computed (no expiry, never used). Optional attributes without a
   * default may always be null. Typed faces (Pulumi's outputs) say so; Terraform needs no flag.
   */
  nullable?: boolean;
}

export interface Diagnostic extends Problem {
  severity: 'error' | 'warning';
}

/**
 * An error a resource operation reports to the user, optionally about one attribute; `cause` is
 * the server's refusal behind it, which each face quotes with its request id.
 */
export class ResourceError extends Error {
  constructor(
    readonly problem: Problem,
    override readonly cause?: unknown,
  ) {
    super(render(problem.summary, snakeName));
    this.name = 'ResourceError';
  }
}

export interface ResourceContext {
  client: WardenClient;
  /** The server's clock: expiry is the server's to decide. */
  serverNow(): Promise<Date>;
  /**
   * On a create that collides with a live object of the same unique name, take that object over
   * (Terraform: convergence after a lost answer) rather than fail (Pulumi without `adopt`).
   */
  adoptOnConflict: boolean;
  /** Tells the user something they should know that is not an error (an adopted object, say). */
  warn(problem: Problem): void;
}

export type ReadResult = { state: State } | { gone: true };

/** What a resource's own planning adds to the derived plan. */
export interface PlanAdjustment {
  planned: State;
  /** Attributes whose planned change forces replacement, beyond those marked `replace`. */
  replace?: string[];
  /** Said in the plan: why this change happens (a rotation, a drift repair). */
  reasons?: Problem[];
}

export interface ResourceDefinition {
  /** Terraform type name, e.g. `warden_token`; Pulumi and CDKTF names derive from it. */
  typeName: string;
  description: string;
  attributes: Record<string, Attribute>;
  /** Rules across attributes, checked on known values of the configuration. */
  check?(config: State): Diagnostic[];
  /** Refines the derived plan of an update: rotation, drift repair. `prior` is freshly read. */
  plan?(ctx: ResourceContext, prior: State, planned: State, config: State): Promise<PlanAdjustment>;
  create(ctx: ResourceContext, planned: State): Promise<State>;
  read(ctx: ResourceContext, state: State): Promise<ReadResult>;
  /** Absent when every configurable attribute forces replacement. */
  update?(ctx: ResourceContext, prior: State, planned: State): Promise<State>;
  delete(ctx: ResourceContext, state: State): Promise<void>;
  /** The import id of the live object with the declared unique name, if there is one. */
  find(ctx: ResourceContext, planned: State): Promise<string | undefined>;
  /** Builds the full state from an import id; the syntax of the id is in `importId`. */
  import(ctx: ResourceContext, id: string): Promise<State>;
  importId: string;
}

export interface DataSourceDefinition {
  typeName: string;
  description: string;
  attributes: Record<string, Attribute>;
  check?(config: State): Diagnostic[];
  read(ctx: ResourceContext, config: State): Promise<State>;
}

/** Opened for one run and closed at its end; its values never reach state or plan files. */
export interface EphemeralDefinition {
  typeName: string;
  description: string;
  attributes: Record<string, Attribute>;
  check?(config: State): Diagnostic[];
  /** `config` has the declared defaults applied. */
  open(ctx: ResourceContext, config: State): Promise<{ result: State; private: Record<string, string> }>;
  close(ctx: ResourceContext, privateData: Record<string, string>): Promise<void>;
}

export type Definition = ResourceDefinition | DataSourceDefinition | EphemeralDefinition;

/** An attribute that is an API field: the contract's description and rule, once. */
export interface ApiField {
  description: string;
  validate: z.ZodType;
}

/**
 * The API field `schema` (described in api-client/contract) as an attribute's description and
 * rule; `more` says what only the resource adds (a replacement, how state shows the value).
 */
export function apiField(schema: z.ZodType, more?: string): ApiField {
  if (!schema.description) throw new Error('an API field needs its description in the contract');
  return { description: more ? `${schema.description} ${more}` : schema.description, validate: schema };
}

type AttrOptions = Omit<Attribute, 'type' | 'mode' | 'description'>;
function attr(type: AttributeType, mode: Attribute['mode'], d: string | ApiField, options: AttrOptions = {}): Attribute {
  const described = typeof d === 'string' ? { description: d } : d;
  return { type, mode: options.default !== undefined ? 'optional+computed' : mode, ...described, ...options };
}

/** Declarations read like the Terraform docs: `required.string('...')`, `computed.string('...')`, `optional.number(apiField(MaxAgeDays))`. */
function builders(mode: Attribute['mode']) {
  return {
    string: (d: string | ApiField, o?: AttrOptions) => attr('string', mode, d, o),
    number: (d: string | ApiField, o?: AttrOptions) => attr('number', mode, d, o),
    bool: (d: string | ApiField, o?: AttrOptions) => attr('bool', mode, d, o),
    stringSet: (d: string | ApiField, o?: AttrOptions) => attr('set(string)', mode, d, o),
    stringMap: (d: string | ApiField, o?: AttrOptions) => attr('map(string)', mode, d, o),
  };
}
export const required = builders('required');
export const optional = builders('optional');
export const computed = builders('computed');
export const optionalComputed = builders('optional+computed');
