// Export an existing estate as code. One model (readEstate), three renderings; shared by
// `warden-server export` and the web console, so both show the same text.
import type { EstateModel } from './model';
import { renderHcl } from './hcl';
import { renderCdk, renderPulumi } from './typescript';

export * from './model';
export { renderHcl, hclString } from './hcl';
export { renderCdk, renderPulumi } from './typescript';

export const FORMATS = ['hcl', 'pulumi', 'cdktf', 'cdktn'] as const;
export type ExportFormat = (typeof FORMATS)[number];

/** Every rendering as files, by path relative to the output directory. */
export function renderFiles(model: EstateModel, format: ExportFormat): Record<string, string> {
  switch (format) {
    case 'hcl':
      return { 'main.tf': renderHcl(model) };
    case 'pulumi':
      return renderPulumi(model);
    case 'cdktf':
    case 'cdktn':
      return { 'main.ts': renderCdk(model, format) };
  }
}

/** The rendering as one text: the file itself, or each file under a `// ---- <path>` line (the CLI's stdout and the console show this). */
export function renderText(model: EstateModel, format: ExportFormat): string {
  const entries = Object.entries(renderFiles(model, format));
  return entries.length === 1 ? entries[0]![1] : entries.map(([path, text]) => `// ---- ${path}\n${text}`).join('');
}
