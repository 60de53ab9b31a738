import { createRequire } from 'node:module';
import { isAbsolute, resolve } from 'node:path';
import { type DetectedProject, FRAMEWORK_NAMES, type PackageJson } from './detect-project.js';
import { envExampleContent } from './env-example.js';
import { changeIfDifferent, type FileChange, readIfExists } from './file-change.js';
import { instrumentStartScript, REGISTER_FLAG } from './start-script.js';

const { version: KIT_VERSION } = createRequire(import.meta.url)('../../package.json') as { version: string };

export interface NodePlanOptions {
  /** What to depend on: a version range (default `^<our version>`), or a path to a local @sightline/node checkout. */
  nodePackage?: string;
}

export interface NodeInitPlan {
  detected: string;
  changes: FileChange[];
  notes: string[];
}

export function dependencySpec(nodePackage: string | undefined, cwd: string): string {
  if (!nodePackage) return `^${KIT_VERSION}`;
  if (nodePackage.startsWith('.') || isAbsolute(nodePackage)) return `file:${resolve(cwd, nodePackage)}`;
  return nodePackage;
}

function indentOf(text: string): string {
  return /^([ \t]+)"/m.exec(text)?.[1] ?? '  ';
}

function nextInstrumentation(existing: string | null, typescript: boolean): string {
  const body = [
    "  if (process.env.NEXT_RUNTIME === 'nodejs') {",
    '    // Traces, metrics and trace-correlated logs for the Node.js runtime; the edge runtime is left alone.',
    "    await import('@sightline/node/register');",
    '  }',
  ];
  if (existing === null) {
    return [`export async function register()${typescript ? ': Promise<void>' : ''} {`, ...body, '}', ''].join('\n');
  }
  const hook = /export\s+(async\s+)?function\s+register\s*\([^)]*\)[^{]*\{\n?/.exec(existing);
  if (hook) {
    const at = hook.index + hook[0].length;
    const asyncHook = hook[1] ? hook[0] : hook[0].replace(/function/, 'async function');
    return `${existing.slice(0, hook.index)}${asyncHook}${body.join('\n')}\n${existing.slice(at)}`;
  }
  return `${existing.replace(/\s*$/, '')}\n\nexport async function register() {\n${body.join('\n')}\n}\n`;
}

/**
 * `@sightline/node/register` is a package-exports subpath: TypeScript resolves it under moduleResolution "bundler"
 * (create-next-app's default) but not under the older "node" that Next.js writes when the option is missing.
 * tsconfig.json is JSONC, so it is edited as text: the one value, or one inserted line.
 */
function nextTsconfigChange(text: string | null): FileChange | undefined {
  if (text === null) return undefined;
  const current = /"moduleResolution"\s*:\s*"([^"]*)"/i.exec(text);
  if (current && !/^(node|node10|classic)$/i.test(current[1] ?? '')) return undefined;
  const after = current
    ? text.replace(current[0], '"moduleResolution": "bundler"')
    : text.replace(/("compilerOptions"\s*:\s*\{)(\s*)/, (_m, open: string, space: string) => {
        const indent = space.includes('\n') ? space : ' ';
        return `${open}${indent}"moduleResolution": "bundler",${indent}`;
      });
  if (after === text) return undefined;
  return {
    path: 'tsconfig.json',
    before: text,
    after,
    reason: `moduleResolution "bundler" so TypeScript resolves @sightline/node/register (was ${current ? `"${current[1]}"` : 'unset, which Next.js fills with "node"'})`,
  };
}

/** Another OpenTelemetry SDK setup in the project: a second SDK would record every span twice. */
function otherOpenTelemetrySetup(pkg: PackageJson): string | undefined {
  const deps = { ...pkg.dependencies, ...pkg.devDependencies };
  const sdk = ['@opentelemetry/sdk-node', '@opentelemetry/auto-instrumentations-node', '@vercel/otel'].find(
    (d) => d in deps,
  );
  if (sdk) return `dependency ${sdk}`;
  const script = Object.entries(pkg.scripts ?? {}).find(
    ([, cmd]) =>
      /--(require|import|r)[ =]\S*(opentelemetry|tracing|instrumentation)/.test(cmd) &&
      !cmd.includes('@sightline/node'),
  );
  return script ? `script "${script[0]}": ${script[1]}` : undefined;
}

/** Everything `sightline init` would change in a Node project; an empty list means it is already set up. */
export function planNodeInit(project: DetectedProject, options: NodePlanOptions = {}): NodeInitPlan {
  const { dir, packageJson } = project;
  const notes: string[] = [];
  const changes: FileChange[] = [];
  const pkg: PackageJson = JSON.parse(project.packageJsonText) as PackageJson;
  const reasons: string[] = [];
  const deps = { ...pkg.dependencies };
  if (!('@sightline/node' in deps) && !('@sightline/node' in (pkg.devDependencies ?? {}))) {
    deps['@sightline/node'] = dependencySpec(options.nodePackage, process.cwd());
    pkg.dependencies = Object.fromEntries(Object.entries(deps).sort(([a], [b]) => a.localeCompare(b)));
    reasons.push('add @sightline/node');
  }
  if (project.framework === 'nextjs') {
    const path = `${project.srcDir ? 'src/' : ''}instrumentation.${project.typescript ? 'ts' : 'js'}`;
    const existing = readIfExists(dir, path);
    if (!existing?.includes('@sightline/node/register')) {
      changes.push({
        path,
        before: existing,
        after: nextInstrumentation(existing, project.typescript),
        reason: "load @sightline/node from Next.js's instrumentation hook",
      });
    }
    const tsconfig = project.typescript ? nextTsconfigChange(readIfExists(dir, 'tsconfig.json')) : undefined;
    if (tsconfig) changes.push(tsconfig);
    notes.push(
      'Next.js 13/14: set experimental.instrumentationHook = true in next.config (Next.js 15+ needs nothing).',
    );
  } else if (project.launchScripts.length > 0) {
    for (const { name, command } of project.launchScripts) {
      const change = instrumentStartScript(command);
      if (!change) continue;
      pkg.scripts = { ...pkg.scripts, [name]: change.after };
      reasons.push(`${change.how} in the "${name}" script`);
    }
  } else {
    const entry = packageJson.main ?? (project.typescript ? 'dist/index.js' : 'index.js');
    notes.push(`No start script found: run your app with \`node ${REGISTER_FLAG} ${entry}\`.`);
  }
  if (reasons.length > 0) {
    const indent = indentOf(project.packageJsonText);
    const eol = project.packageJsonText.endsWith('\n') ? '\n' : '';
    changes.unshift({
      path: 'package.json',
      before: project.packageJsonText,
      after: `${JSON.stringify(pkg, null, indent)}${eol}`,
      reason: reasons.join('; '),
    });
  }
  const envChange = changeIfDifferent(
    dir,
    '.env.example',
    envExampleContent(
      readIfExists(dir, '.env.example'),
      packageJson.name?.replace(/^@[^/]+\//, '') ?? 'my-service',
      packageJson.version ?? '0.0.0',
    ),
    'OTEL_* variables for @sightline/node',
  );
  if (envChange) changes.push(envChange);
  const otherSetup = otherOpenTelemetrySetup(pkg);
  if (otherSetup) {
    notes.push(
      `this project already sets up OpenTelemetry (${otherSetup}); remove that setup, or spans are recorded twice.`,
    );
  }
  const detected = [
    project.packageManager,
    project.moduleType === 'esm' ? 'ESM' : 'CommonJS',
    project.typescript ? 'TypeScript' : 'JavaScript',
    FRAMEWORK_NAMES[project.framework],
    project.startScriptName ? `"${project.startScriptName}": ${project.startScript}` : 'no start script',
  ].join(', ');
  return { detected, changes, notes };
}
