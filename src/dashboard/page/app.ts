/// <reference lib="dom" />
// The dashboard page: `/` lists the runs, `/runs/ID` shows one.
import {h, replace} from './dom.js'
import {showRun} from './run-view.js'
import {showRuns} from './runs-view.js'

async function main(): Promise<void> {
  const root = document.getElementById('main')!
  const m = /^\/runs\/([A-Za-z0-9_-]+)$/.exec(location.pathname)
  try {
    if (m) await showRun(root, decodeURIComponent(m[1]!))
    else await showRuns(root)
  } catch (error) {
    replace(root, h('p', {class: 'error'}, `Could not load: ${error instanceof Error ? error.message : String(error)}`))
    document.body.dataset.ready = 'error'
  }
}

void main()
