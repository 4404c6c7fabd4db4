// Why a task's working directory cannot be used, in words that name it. Checked only after
// a spawn or chdir failed, so the common path pays nothing.
import {statSync} from 'node:fs'

export function cwdProblem(cwd: string): string | null {
  try {
    return statSync(cwd).isDirectory() ? null : `cwd ${cwd} is not a folder`
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    return code === 'ENOENT' ? `cwd ${cwd} does not exist` : `cwd ${cwd} cannot be used: ${code ?? (error as Error).message}`
  }
}
