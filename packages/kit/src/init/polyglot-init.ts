import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { KitError } from '../kit-error.js';
import { changeIfDifferent, type FileChange } from './file-change.js';
import { DOTNET_FRAMEWORKS, dotnetTemplate } from './languages/dotnet-template.js';
import { GO_FRAMEWORKS, goTemplate } from './languages/go-template.js';
import { JAVA_FRAMEWORKS, javaTemplate } from './languages/java-template.js';
import type { LanguageTemplate, TemplateInput } from './languages/language-template.js';
import { PYTHON_FRAMEWORKS, pythonTemplate } from './languages/python-template.js';
import { RUST_FRAMEWORKS, rustTemplate } from './languages/rust-template.js';

export const LANGUAGES: Record<
  string,
  { frameworks: string[]; aliases?: Record<string, string>; template: (i: TemplateInput) => LanguageTemplate }
> = {
  python: { frameworks: PYTHON_FRAMEWORKS, template: pythonTemplate },
  go: { frameworks: GO_FRAMEWORKS, aliases: { 'net/http': 'nethttp', http: 'nethttp' }, template: goTemplate },
  rust: { frameworks: RUST_FRAMEWORKS, template: rustTemplate },
  java: {
    frameworks: JAVA_FRAMEWORKS,
    aliases: { spring: 'spring-boot', springboot: 'spring-boot' },
    template: javaTemplate,
  },
  dotnet: {
    frameworks: DOTNET_FRAMEWORKS,
    aliases: { 'asp.net': 'aspnetcore', aspnet: 'aspnetcore', 'asp.net-core': 'aspnetcore' },
    template: dotnetTemplate,
  },
};

export interface PolyglotPlan {
  template: LanguageTemplate;
  changes: FileChange[];
}

export function planPolyglotInit(
  language: string,
  framework: string | undefined,
  outDir: string,
  serviceName: string,
): PolyglotPlan {
  const entry = LANGUAGES[language];
  if (!entry) {
    throw new KitError(
      'SIGHTLINE_ERR_INIT_LANGUAGE',
      `--language "${language}" is not supported; accepted: ${Object.keys(LANGUAGES).join(', ')}`,
    );
  }
  const requested = (framework ?? entry.frameworks[0] ?? '').toLowerCase();
  const chosen = entry.aliases?.[requested] ?? requested;
  if (!entry.frameworks.includes(chosen)) {
    throw new KitError(
      'SIGHTLINE_ERR_INIT_FRAMEWORK',
      `--framework "${framework}" is not supported for ${language}; accepted: ${entry.frameworks.join(', ')}`,
    );
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(serviceName)) {
    throw new KitError(
      'SIGHTLINE_ERR_INIT_SERVICE_NAME',
      `--service-name "${serviceName}" is not a usable service.name; accepted: letters, digits, ".", "_" and "-"`,
    );
  }
  const template = entry.template({ serviceName, framework: chosen });
  const changes = template.files
    .map((f) => changeIfDifferent(outDir, f.path, f.content, f.reason))
    .filter((c): c is FileChange => c !== undefined);
  return { template, changes };
}

export interface ToolCheckResult {
  file: string;
  tool: string;
  status: 'ok' | 'failed' | 'unchecked';
  detail: string;
}

/** Compiles/parses the written files with the toolchains installed here; says which could not be checked. */
export function checkGeneratedFiles(template: LanguageTemplate, outDir: string): ToolCheckResult[] {
  const results: ToolCheckResult[] = [];
  for (const check of template.checks) {
    const file = join(outDir, check.file);
    const [command = '', ...args] = check.command.map((a) => (a === '{file}' ? file : a));
    const run = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000 });
    if (run.error && (run.error as NodeJS.ErrnoException).code === 'ENOENT') {
      results.push({ file: check.file, tool: check.tool, status: 'unchecked', detail: `${command} is not installed` });
    } else if (run.status !== 0 || (check.tool.startsWith('gofmt') && run.stdout.trim() !== '')) {
      results.push({
        file: check.file,
        tool: check.tool,
        status: 'failed',
        detail: `${run.stdout}${run.stderr}`.trim(),
      });
    } else {
      results.push({ file: check.file, tool: check.tool, status: 'ok', detail: `${check.tool}: ok` });
    }
  }
  for (const u of template.unchecked) results.push({ file: u.file, tool: '-', status: 'unchecked', detail: u.reason });
  return results;
}
