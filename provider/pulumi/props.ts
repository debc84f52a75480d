import * as pulumi from '@pulumi/pulumi';
import { camel, resources } from '../resources';
import { propertyNames } from './names';

/**
 * The props a generated class registers: every output as `undefined` (or it gets no Output), then
 * the args. Sensitive inputs go as secrets, so that the engine encrypts them in state even when
 * the program passes a plain string.
 */
export function propsOf(typeName: string, args: object): Record<string, unknown> {
  const def = resources.find((r) => r.typeName === typeName)!;
  const props: Record<string, unknown> = { ...Object.fromEntries(propertyNames(def).map((name) => [name, undefined])), ...args };
  for (const [name, a] of Object.entries(def.attributes)) {
    const key = camel(name);
    if (a.sensitive && a.mode !== 'computed' && props[key] !== undefined) props[key] = pulumi.secret(props[key] as pulumi.Input<unknown>);
  }
  return props;
}
