import { userInfo } from 'node:os';
import { envSetting } from '../env-setting.js';

/**
 * The audit log's actor for a change made from the command line: `cli:<os user>`. A container
 * user with no passwd entry makes `userInfo()` throw; its numeric id is still an answer.
 */
export function cliActor(env: NodeJS.ProcessEnv): string {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user =
      envSetting(env, 'USER') ??
      envSetting(env, 'LOGNAME') ??
      `uid-${String(process.getuid?.() ?? 'unknown')}`;
  }
  return `cli:${user}`;
}
