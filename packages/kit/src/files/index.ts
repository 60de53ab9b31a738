export { generateOutputs, type GenerateOptions, type GenerateResult, type GeneratorKind } from './generate-outputs.js';
export { MANIFEST_FILE, sha256, writeOutputs, type OutputFile, type WriteResult } from './output-writer.js';
