// The graph language: parse, validate and compile graph files (see docs/graph-format.md).
export {compileGraphFile, type CompileResult, type CompileOptions} from './compile/compile-file.js'
export {makeDynamicInstances} from './compile/dynamic.js'
export {formatProblem, displayPath, type Problem} from './validate/problems.js'
export {cacheWarnings} from './validate/cache-warnings.js'
export {parsePath, parseRefText} from './compile/refs.js'

export * from './model.js'
export {draw, FORMATS, type DrawFormat} from './draw/index.js'
