export { type GenerateOptions, type GenerateResult, type GeneratorKind, generateOutputs } from './generate-outputs.js';
export {
  MANIFEST_FILE,
  manifestFor,
  type OutputFile,
  sha256,
  type WriteResult,
  writeOutputs,
} from './output-writer.js';
