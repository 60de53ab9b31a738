export { KitError } from './kit-error.js';
export { configSchema, type ConfigInput, type ParsedConfig } from './config-schema.js';
export { CONFIG_FILE_NAMES, loadConfig, parseConfig, type LoadConfigOptions, type LoadedConfig } from './load-config.js';
export { DEFAULT_SLOS, resolveConfig, type ResolvedReceiver, type ResolvedSlo, type SightlineConfig } from './resolved-config.js';
export * as telemetryNames from './telemetry-names.js';
export { durationSeconds, promDuration } from './durations.js';
