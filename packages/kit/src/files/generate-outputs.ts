import { alertFiles } from '../alerts/index.js';
import { loadConfig } from '../config/load-config.js';
import { dashboardFiles } from '../dashboards/index.js';
import { composeStackFiles } from '../stack/compose-stack.js';
import { kubernetesStackFiles } from '../stack/kubernetes-stack.js';
import { type WriteResult, writeOutputs } from './output-writer.js';

export type GeneratorKind = 'compose' | 'kubernetes' | 'dashboards' | 'alerts';

export interface GenerateOptions {
  kind: GeneratorKind;
  /** Output directory (`--out`), relative to cwd; default `deploy`. */
  out?: string;
  force?: boolean;
  /** `--config` path. */
  configPath?: string;
  /** `--service NAME…` */
  services?: string[];
  cwd?: string;
}

export interface GenerateResult extends WriteResult {
  /** The configuration file used, if any. */
  configSource?: string;
}

/** What `sightline stack compose|kubernetes`, `sightline dashboards` and `sightline alerts` do, minus printing. */
export async function generateOutputs(options: GenerateOptions): Promise<GenerateResult> {
  const cwd = options.cwd ?? process.cwd();
  const { config, source } = await loadConfig({
    cwd,
    ...(options.configPath ? { configPath: options.configPath } : {}),
    ...(options.services ? { services: options.services } : {}),
  });
  const files =
    options.kind === 'compose'
      ? composeStackFiles(config)
      : options.kind === 'kubernetes'
        ? kubernetesStackFiles(config)
        : options.kind === 'dashboards'
          ? dashboardFiles(config)
          : alertFiles(config);
  const outDir = options.out ?? 'deploy';
  const result = writeOutputs(outDir.startsWith('/') ? outDir : `${cwd}/${outDir}`, files, {
    force: options.force ?? false,
  });
  return source ? { ...result, configSource: source } : result;
}
