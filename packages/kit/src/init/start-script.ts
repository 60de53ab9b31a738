/** The flag that loads @sightline/node before the app: `node --import @sightline/node/register app.js`. */
export const REGISTER_FLAG = '--import @sightline/node/register';

export interface StartScriptChange {
  after: string;
  /** How it was changed, for the plan. */
  how: string;
}

/**
 * Adds the register flag to a start command. `node …` and `tsx …` take the flag directly; other launchers
 * (`nest start`, `ts-node`, `nodemon`) get it through NODE_OPTIONS. Returns undefined when the flag is already there.
 */
export function instrumentStartScript(script: string): StartScriptChange | undefined {
  if (script.includes('@sightline/node/register')) return undefined;
  // Only the command that starts the app is changed: `npm run build && node dist/main.js` keeps its build step.
  const parts = script.split(/(\s*(?:&&|;)\s*)/);
  const last = parts.length - 1;
  const command = parts[last] ?? '';
  const envPrefix = /^((?:[A-Z_][A-Z0-9_]*=(?:"[^"]*"|'[^']*'|\S*)\s+)*)(.*)$/.exec(command) as RegExpExecArray;
  const [, env = '', rest = ''] = envPrefix;
  const direct = /^(node|tsx)(\s|$)/.exec(rest);
  let changed: string;
  let how: string;
  if (direct) {
    changed = `${env}${direct[1]} ${REGISTER_FLAG}${rest.slice(direct[1]?.length ?? 0)}`;
    how = `added ${REGISTER_FLAG} to ${direct[1]}`;
  } else {
    changed = `${env}NODE_OPTIONS="${REGISTER_FLAG}" ${rest}`;
    how = `loaded @sightline/node through NODE_OPTIONS (${rest.split(/\s/)[0]} does not take node flags)`;
  }
  parts[last] = changed;
  return { after: parts.join(''), how };
}
