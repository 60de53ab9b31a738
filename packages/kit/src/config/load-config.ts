import { existsSync, readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { KitError } from '../kit-error.js';
import { configSchema } from './config-schema.js';
import { resolveConfig, type SightlineConfig } from './resolved-config.js';

/** Looked up in this order in the working directory when no `--config` is given. */
export const CONFIG_FILE_NAMES = [
  'sightline.config.ts',
  'sightline.config.mts',
  'sightline.config.mjs',
  'sightline.config.js',
  'sightline.config.json',
  'sightline.config.yaml',
  'sightline.config.yml',
];

export interface LoadConfigOptions {
  cwd?: string;
  /** Explicit path (the `--config` flag); must exist. */
  configPath?: string;
  /** `--service NAME…` flags: replace the services of the file. */
  services?: string[];
}

export interface LoadedConfig {
  config: SightlineConfig;
  /** Absolute path of the file read, or undefined when running on defaults. */
  source?: string;
}

/** Finds, reads, validates and resolves the Sightline configuration. With no file and no flags: generic defaults. */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const cwd = options.cwd ?? process.cwd();
  let source: string | undefined;
  if (options.configPath) {
    source = resolve(cwd, options.configPath);
    if (!existsSync(source)) {
      throw new KitError(
        'SIGHTLINE_ERR_CONFIG_NOT_FOUND',
        `--config: "${options.configPath}" does not exist (looked at ${source})`,
      );
    }
  } else {
    source = CONFIG_FILE_NAMES.map((name) => resolve(cwd, name)).find((path) => existsSync(path));
  }
  const raw = source ? await readConfigFile(source) : {};
  const withFlags = applyServiceFlags(raw, options.services, source);
  const config = parseConfig(withFlags, source ?? 'flags');
  return source ? { config, source } : { config };
}

/** Validates an already-read configuration object; `origin` names the file in error messages. */
export function parseConfig(raw: unknown, origin = 'config'): SightlineConfig {
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    throw new KitError('SIGHTLINE_ERR_CONFIG_INVALID', `${origin}: ${describeIssues(result.error.issues, raw)}`);
  }
  return resolveConfig(result.data);
}

function applyServiceFlags(raw: unknown, services: string[] | undefined, source: string | undefined): unknown {
  if (!services || services.length === 0) return raw;
  const twice = services.find((name, i) => services.indexOf(name) !== i);
  if (twice !== undefined) {
    throw new KitError('SIGHTLINE_ERR_CONFIG_INVALID', `--service: "${twice}" is given twice; list each service once`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new KitError('SIGHTLINE_ERR_CONFIG_INVALID', `${source}: the configuration must be an object`);
  }
  return { ...raw, services: services.map((name) => ({ name })) };
}

async function readConfigFile(path: string): Promise<unknown> {
  const ext = extname(path);
  if (ext === '.json' || ext === '.yaml' || ext === '.yml') {
    const text = readFileSync(path, 'utf8');
    try {
      return ext === '.json' ? JSON.parse(text) : (parseYaml(text) ?? {});
    } catch (error) {
      throw new KitError(
        'SIGHTLINE_ERR_CONFIG_PARSE',
        `${path}: not valid ${ext === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
      );
    }
  }
  try {
    const mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
    return mod.default ?? mod;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_UNKNOWN_FILE_EXTENSION') {
      throw new KitError(
        'SIGHTLINE_ERR_CONFIG_UNSUPPORTED',
        `${path}: Node.js ${process.versions.node} cannot load TypeScript directly (Node.js 22.18 and later can); run through a loader (node --import tsx …), or use sightline.config.mjs, .json or .yaml`,
      );
    }
    throw new KitError('SIGHTLINE_ERR_CONFIG_PARSE', `${path}: could not be loaded: ${(error as Error).message}`);
  }
}

function describeIssues(issues: z.core.$ZodIssue[], raw: unknown): string {
  return issues
    .map((issue) => {
      const field = issue.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
        .join('')
        .replace(/^\./, '');
      const value = valueAt(raw, issue.path);
      const got = value === undefined ? '' : ` (got ${JSON.stringify(value)})`;
      return `${field || '(root)'}: ${issue.message}${got}`;
    })
    .join('; ');
}

function valueAt(raw: unknown, path: PropertyKey[]): unknown {
  let current: unknown = raw;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
