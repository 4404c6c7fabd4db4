/// <reference lib="dom" />
// The page's calls to its server: same origin, the token in a header for cancel.

const token = (): string => document.querySelector('meta[name="rayts-token"]')?.getAttribute('content') ?? ''

export async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, {headers: {accept: 'application/json'}, credentials: 'same-origin'})
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`)
  return (await res.json()) as T
}

export async function postCancel(runId: string): Promise<{ok: boolean; message: string}> {
  const res = await fetch(`/api/runs/${encodeURIComponent(runId)}/cancel`, {
    method: 'POST',
    headers: {'x-rayts-token': token()},
    credentials: 'same-origin',
  })
  const body = (await res.json()) as {state?: string; error?: string}
  return {ok: res.ok, message: body.error ?? body.state ?? ''}
}

export interface RunSummary {
  id: string
  graph: string | null
  file: string | null
  state: string
  host: string
  createdMs: number
  startedMs: number | null
  endedMs: number | null
  durationMs: number | null
  total: number
  counts: Record<string, number>
}

export interface InstanceRow {
  name: string
  task: string
  state: string
  attempt: number
  pid: number | null
  durationUs: number | null
  errorKind: string | null
  hasValue: boolean
}

export interface TaskFailure {
  kind: string
  name: string
  message: string
  stack?: string
  exitCode?: number
  signal?: string
}

export interface AttemptRow {
  session: number
  attempt: number
  pid: number | null
  state: string
  durationUs: number | null
  error: TaskFailure | null
}

export interface InstanceDetail extends InstanceRow {
  error: TaskFailure | null
  attempts: AttemptRow[]
  preview: string | null
  truncated: boolean
  /** what it waits for, while it waits */
  waitsFor: string | null
}

export interface LogRow {
  id: number
  name: string
  attempt: number
  stream: string
  text: string
}

/** Calls `refresh` after each store change the server reports, at most one at a time. */
export function onChange(refresh: () => Promise<void>, indicator: HTMLElement | null): () => void {
  let running = false
  let again = false
  const run = async (): Promise<void> => {
    if (running) {
      again = true
      return
    }
    running = true
    try {
      await refresh()
    } catch (error) {
      console.warn('refresh failed', error)
    } finally {
      running = false
      if (again) {
        again = false
        void run()
      }
    }
  }
  const source = new EventSource('/api/live')
  source.addEventListener('change', () => void run())
  source.addEventListener('open', () => indicator?.classList.add('on'))
  source.addEventListener('error', () => indicator?.classList.remove('on'))
  window.addEventListener('pagehide', () => source.close())
  return () => source.close()
}
