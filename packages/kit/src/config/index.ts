export { type ConfigInput, configSchema, defineConfig, type ParsedConfig } from './config-schema.js';
export { durationSeconds, promDuration } from './durations.js';
export {
  CONFIG_FILE_NAMES,
  type LoadConfigOptions,
  type LoadedConfig,
  loadConfig,
  parseConfig,
} from './load-config.js';
export {
  DEFAULT_SLOS,
  type ResolvedReceiver,
  type ResolvedSlo,
  resolveConfig,
  type SightlineConfig,
} from './resolved-config.js';
export * as telemetryNames from './telemetry-names.js';
