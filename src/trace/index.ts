// Timeline profiling of runs: Chrome trace JSON and a self-contained HTML Gantt chart.
export {buildTrace, type BuildOptions} from './build-trace.js'
export {renderTraceHtml, OUTCOME_COLORS} from './render-html.js'
export {writeTimeline, formatForFile, type TimelineFormat, type TimelineWritten} from './write-timeline.js'
export {graphDetail} from './graph-detail.js'
export {type TimelineRun, type Attempt, type GraphDetail, type InstanceDetail} from './timeline-run.js'
export * from './types.js'
