import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { KitError } from '../kit-error.js';

/** Where we record what we wrote, so a later run can tell "ours, unchanged" from "changed by the user". */
export const MANIFEST_FILE = '.sightline-manifest.json';

export interface OutputFile {
  /** Path relative to the output directory, with forward slashes. */
  path: string;
  content: string;
  /** `keep`: written only when absent, never replaced (the generated `.env` holding the admin password). */
  mode?: 'replace' | 'keep';
  /** File permission bits (e.g. 0o600 for secrets). */
  fileMode?: number;
}

export interface WriteResult {
  outDir: string;
  written: string[];
  unchanged: string[];
  kept: string[];
}

interface Manifest {
  generator: 'sightline';
  files: Record<string, string>;
}

export function sha256(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}

/**
 * Writes generated files under `outDir`. A file that exists and differs from both what we last wrote (per the manifest)
 * and what we would write now was changed by the user (or is theirs): without `force` nothing is written at all and
 * the error names every such file.
 */
export function writeOutputs(outDir: string, files: OutputFile[], options: { force?: boolean } = {}): WriteResult {
  const root = resolve(outDir);
  if (existsSync(root) && !statSync(root).isDirectory()) {
    throw new KitError('SIGHTLINE_ERR_OUTPUT_NOT_DIRECTORY', `--out: "${outDir}" exists and is not a directory`);
  }
  const manifestPath = join(root, MANIFEST_FILE);
  const manifest = readManifest(manifestPath);
  const plan = files.map((file) => ({ file, target: safeTarget(root, file.path) }));

  const changed: string[] = [];
  for (const { file, target } of plan) {
    if (file.mode === 'keep' || !existsSync(target)) continue;
    const current = sha256(readFileSync(target, 'utf8'));
    if (current !== manifest.files[file.path] && current !== sha256(file.content)) changed.push(file.path);
  }
  if (changed.length > 0 && !options.force) {
    throw new KitError(
      'SIGHTLINE_ERR_OUTPUT_CHANGED',
      `${changed.map((p) => join(outDir, p)).join(', ')} ${changed.length === 1 ? 'was' : 'were'} changed since sightline wrote ${changed.length === 1 ? 'it' : 'them'} (or not written by sightline); nothing was written. Re-run with --force to overwrite, or move your changes into sightline.config`,
    );
  }

  const result: WriteResult = { outDir: root, written: [], unchanged: [], kept: [] };
  for (const { file, target } of plan) {
    if (existsSync(target)) {
      if (file.mode === 'keep') {
        result.kept.push(file.path);
        continue;
      }
      if (readFileSync(target, 'utf8') === file.content) {
        manifest.files[file.path] = sha256(file.content);
        result.unchanged.push(file.path);
        continue;
      }
    }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.content, file.fileMode === undefined ? {} : { mode: file.fileMode });
    if (file.mode !== 'keep') manifest.files[file.path] = sha256(file.content);
    result.written.push(file.path);
  }
  mkdirSync(root, { recursive: true });
  writeFileSync(manifestPath, serializeManifest(manifest.files));
  return result;
}

/** The manifest a fresh output directory holds after writing `files` (`keep` files are never recorded). */
export function manifestFor(files: OutputFile[]): string {
  return serializeManifest(
    Object.fromEntries(files.filter((f) => f.mode !== 'keep').map((f) => [f.path, sha256(f.content)])),
  );
}

function serializeManifest(files: Record<string, string>): string {
  const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => a.localeCompare(b)));
  return `${JSON.stringify({ generator: 'sightline', files: sorted } satisfies Manifest, null, 2)}\n`;
}

function readManifest(path: string): Manifest {
  if (!existsSync(path)) return { generator: 'sightline', files: {} };
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<Manifest>;
    return { generator: 'sightline', files: { ...(parsed.files ?? {}) } };
  } catch {
    // An unreadable manifest protects nothing; treat every existing file as the user's (the safe direction).
    return { generator: 'sightline', files: {} };
  }
}

function safeTarget(root: string, relative: string): string {
  const normalized = normalize(relative);
  if (isAbsolute(relative) || normalized.startsWith(`..${sep}`) || normalized === '..') {
    throw new Error(`internal: output path escapes the output directory: ${relative}`);
  }
  return join(root, normalized);
}
