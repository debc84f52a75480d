// Renders selected secrets as a dotenv file or a Kubernetes Secret manifest.
export interface Secret {
  key: string;
  value: string;
}

export function dotenv(secrets: Secret[]): string {
  // Single quotes keep the value literal for shells and dotenv loaders alike.
  return secrets.map(({ key, value }) => `${key}='${value.replace(/'/g, `'\\''`)}'\n`).join('');
}

export function kubernetesSecret(secrets: Secret[], name: string, namespace?: string): string {
  const metadata = [`  name: ${JSON.stringify(name)}`, ...(namespace ? [`  namespace: ${JSON.stringify(namespace)}`] : [])];
  const data = secrets.map(({ key, value }) => `  ${key}: ${Buffer.from(value, 'utf8').toString('base64')}`);
  return ['apiVersion: v1', 'kind: Secret', 'metadata:', ...metadata, 'type: Opaque', 'data:', ...data, ''].join('\n');
}
