// The graph language: parse, validate and compile graph files (see docs/graph-format.md).
export {compileGraphFile, type CompileResult, type CompileOptions} from './compile.js'
export {makeDynamicInstances} from './dynamic.js'
export {formatProblem, displayPath, type Problem} from './problems.js'
export {cacheWarnings} from './cache-warnings.js'
export {parsePath, parseRefText} from './refs.js'
export {visitRefs} from './compiler.js'
export * from './model.js'
export {draw, FORMATS, type DrawFormat} from './draw/index.js'
