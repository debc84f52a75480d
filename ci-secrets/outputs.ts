// Reads token outputs from `terraform output -json`, a `cdktf output --outputs-file` document or
// `pulumi stack output --json --show-secrets`.
// Error messages name outputs and keys, never values: the input holds secrets.

export class CiSecretsError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CiSecretsError';
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** String outputs by name; a map of strings also by `name.key` (HCL `for_each` outputs). */
function collect(values: Map<string, string>, name: string, value: unknown): void {
  if (typeof value === 'string') values.set(name, value);
  else if (isRecord(value)) for (const [k, v] of Object.entries(value)) if (typeof v === 'string') values.set(`${name}.${k}`, v);
}

export const OUTPUT_FORMATS = ['terraform', 'cdktf', 'pulumi'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/**
 * Which tool wrote the document: terraform's values carry `value` and `type`; a cdktf file maps
 * stacks to objects; Pulumi's is one flat object, told apart when some output is not an object
 * (else say `pulumi` explicitly).
 */
function formatOf(entries: [string, unknown][]): OutputFormat {
  if (entries.length > 0 && entries.every(([, v]) => isRecord(v) && 'value' in v && 'type' in v)) return 'terraform';
  return entries.every(([, v]) => isRecord(v)) ? 'cdktf' : 'pulumi';
}

/** Output name -> string value, from any of the three document shapes. */
export function parseOutputs(text: string, stack?: string, format?: OutputFormat): Map<string, string> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    // JSON.parse quotes the input in its message; never pass it on.
    throw new CiSecretsError(
      'WCS_BAD_JSON',
      'the input is not valid JSON: give `terraform output -json`, a `cdktf output --outputs-file` file or `pulumi stack output --json --show-secrets`',
    );
  }
  if (!isRecord(doc)) throw new CiSecretsError('WCS_BAD_JSON', 'the input must be a JSON object of outputs');
  const values = new Map<string, string>();
  const entries = Object.entries(doc);
  const from = format ?? formatOf(entries);
  if (from === 'terraform') {
    // { name: { value, type, sensitive } }
    for (const [name, v] of entries) if (isRecord(v)) collect(values, name, v.value);
    return values;
  }
  if (from === 'pulumi') {
    // { name: value }
    if (stack !== undefined)
      throw new CiSecretsError('WCS_NO_STACK', '--stack applies to cdktf outputs files; pulumi stack output is already one stack (choose it with pulumi --stack)');
    for (const [name, value] of entries) collect(values, name, value);
    return values;
  }
  // cdktf outputs file: { stack: { name: value } }
  const stacks = entries.filter(([, v]) => isRecord(v));
  const chosen = stack === undefined ? stacks : stacks.filter(([name]) => name === stack);
  if (stack !== undefined && chosen.length === 0) {
    throw new CiSecretsError('WCS_NO_STACK', `stack "${stack}" is not in the outputs file (stacks: ${stacks.map(([n]) => n).join(', ') || 'none'})`);
  }
  if (chosen.length > 1) {
    throw new CiSecretsError('WCS_AMBIGUOUS_STACK', `the outputs file holds several stacks (${chosen.map(([n]) => n).join(', ')}): choose one with --stack`);
  }
  for (const [name, value] of Object.entries((chosen[0]?.[1] ?? {}) as Record<string, unknown>)) collect(values, name, value);
  return values;
}

export interface Selection {
  output: string;
  key: string;
}

/** `name` or `name=KEY`; the key defaults to the output name in upper case. */
export function parseSelection(spec: string): Selection {
  const [output = '', key = output.toUpperCase().replace(/[^A-Z0-9_]/g, '_')] = spec.split('=', 2);
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(output)) throw new CiSecretsError('WCS_BAD_OUTPUT', `--output "${spec}": give an output name, optionally =KEY`);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new CiSecretsError('WCS_BAD_KEY', `--output "${spec}": KEY must be letters, digits or "_", not starting with a digit`);
  return { output, key };
}

export function select(values: Map<string, string>, selections: Selection[]): Array<{ key: string; value: string }> {
  if (selections.length === 0) throw new CiSecretsError('WCS_NO_OUTPUT', 'choose at least one output with --output NAME[=KEY]');
  return selections.map(({ output, key }) => {
    const value = values.get(output);
    if (value === undefined) {
      throw new CiSecretsError(
        'WCS_MISSING_OUTPUT',
        `output "${output}" is not in the input (string outputs present: ${[...values.keys()].join(', ') || 'none'}); with cdktf, pass --outputs-file-include-sensitive-outputs`,
      );
    }
    return { key, value };
  });
}
