import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KitError } from '../kit-error.js';

export type PackageManager = 'npm' | 'pnpm' | 'yarn';
export type Framework = 'nextjs' | 'nestjs' | 'fastify' | 'koa' | 'hono' | 'express' | 'none';

export interface PackageJson {
  name?: string;
  version?: string;
  type?: string;
  main?: string;
  packageManager?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  [key: string]: unknown;
}

export interface DetectedProject {
  dir: string;
  packageJson: PackageJson;
  /** The file's text as read, to keep its indentation when rewriting. */
  packageJsonText: string;
  packageManager: PackageManager;
  moduleType: 'esm' | 'cjs';
  typescript: boolean;
  framework: Framework;
  /** The script users start the app with (`start`, else the first of `start:prod`/`serve`/`dev`). */
  startScriptName?: string;
  startScript?: string;
  /** Every script that launches the app and gets the register flag (`start`, `start:prod`, `start:dev`, `serve`, `dev`). */
  launchScripts: Array<{ name: string; command: string }>;
  /** Next.js projects with a src/ directory keep instrumentation.ts there. */
  srcDir: boolean;
}

// Order matters: Next.js and NestJS projects also depend on the servers below them.
const FRAMEWORKS: Array<[Framework, string[]]> = [
  ['nextjs', ['next']],
  ['nestjs', ['@nestjs/core']],
  ['fastify', ['fastify']],
  ['koa', ['koa']],
  ['hono', ['hono']],
  ['express', ['express']],
];

const LAUNCH_SCRIPTS = ['start', 'start:prod', 'start:dev', 'serve', 'dev'];
// Scripts run by these tools do not start a Node server of the app (or, for Next.js, use instrumentation.ts).
const FRONTEND_TOOLS = /(^|&&|;)\s*(next|vite|react-scripts|webpack|astro|nuxt)\b/;

export const FRAMEWORK_NAMES: Record<Framework, string> = {
  nextjs: 'Next.js',
  nestjs: 'NestJS',
  fastify: 'Fastify',
  koa: 'Koa',
  hono: 'Hono',
  express: 'Express',
  none: 'no known framework',
};

export function detectProject(dir: string): DetectedProject {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) {
    throw new KitError(
      'SIGHTLINE_ERR_INIT_NO_PROJECT',
      `no package.json in ${dir}; run sightline init in a Node project, or pass --language python|go|rust|java|dotnet --out DIR`,
    );
  }
  const packageJsonText = readFileSync(file, 'utf8');
  let packageJson: PackageJson;
  try {
    packageJson = JSON.parse(packageJsonText) as PackageJson;
  } catch (error) {
    throw new KitError('SIGHTLINE_ERR_INIT_NO_PROJECT', `${file} is not valid JSON (${(error as Error).message})`);
  }
  const deps = { ...packageJson.devDependencies, ...packageJson.dependencies };
  const framework = FRAMEWORKS.find(([, names]) => names.some((n) => n in deps))?.[0] ?? 'none';
  const scripts = packageJson.scripts ?? {};
  const startScriptName = ['start', 'start:prod', 'serve', 'dev'].find((s) => typeof scripts[s] === 'string');
  const launchScripts = LAUNCH_SCRIPTS.filter((name) => typeof scripts[name] === 'string')
    .map((name) => ({ name, command: scripts[name] as string }))
    .filter(({ command }) => !FRONTEND_TOOLS.test(command));
  const project: DetectedProject = {
    dir,
    packageJson,
    packageJsonText,
    packageManager: detectPackageManager(dir, packageJson),
    moduleType: packageJson.type === 'module' ? 'esm' : 'cjs',
    typescript: existsSync(join(dir, 'tsconfig.json')) || 'typescript' in deps,
    framework,
    srcDir: existsSync(join(dir, 'src', 'app')) || existsSync(join(dir, 'src', 'pages')),
    launchScripts,
  };
  if (startScriptName) {
    project.startScriptName = startScriptName;
    project.startScript = scripts[startScriptName];
  }
  return project;
}

function detectPackageManager(dir: string, pkg: PackageJson): PackageManager {
  const declared = /^(npm|pnpm|yarn)@/.exec(pkg.packageManager ?? '')?.[1];
  if (declared) return declared as PackageManager;
  if (existsSync(join(dir, 'pnpm-lock.yaml'))) return 'pnpm';
  if (existsSync(join(dir, 'yarn.lock'))) return 'yarn';
  return 'npm';
}
