export {
  type CheckLog,
  type CheckReport,
  type CheckSpan,
  type CheckThresholds,
  DEFAULT_THRESHOLDS,
  type GateResult,
  type Offender,
} from './check-model.js';
export { type CheckFormat, formatCheckReport, parseCheckFormat } from './check-report-format.js';
export { invalidIdReason } from './correlation-gates.js';
export { parseLogLines } from './log-records.js';
export { type CheckOptions, runCheck, validateThresholds } from './run-check.js';
export { isAutoScope } from './span-quality-gates.js';
export { DEFAULT_API_URL, StoreApiClient, type StoreApiOptions } from './store-api-client.js';
export { parseTime } from './time-window.js';
