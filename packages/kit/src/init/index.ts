export { type DetectedProject, detectProject, type Framework, type PackageManager } from './detect-project.js';
export { envExampleContent, otelEnvVariables } from './env-example.js';
export { type FileChange, formatPlan } from './file-change.js';
export { type NodeInitPlan, planNodeInit } from './node-init-plan.js';
export { checkGeneratedFiles, LANGUAGES, planPolyglotInit, type ToolCheckResult } from './polyglot-init.js';
export { type InitOptions, type InitResult, runInit } from './run-init.js';
export { instrumentStartScript, REGISTER_FLAG } from './start-script.js';
export { unifiedDiff } from './unified-diff.js';
