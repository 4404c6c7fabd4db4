// Lint: the recommended JavaScript and typescript-eslint rules (syntax only, no type
// information, so it stays fast), today's conventions, and two project rules: no call spreads
// an array of unknown size, and the folders of src/ import only what their layer may.
import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

// A spread of an array as call arguments (push(...xs), Math.max(...xs)) puts every item on the
// call stack: past ~120k items it throws RangeError, which once crashed the cancel of a big
// run. A line that spreads an array it knows is small says why on an eslint-disable comment
// (`-- bounded: …`).
const STACK_SPREAD = 'push|unshift|max|min|fromCharCode|fromCodePoint|splice'
const spreadRules = [
  `CallExpression[callee.property.name=/^(${STACK_SPREAD})$/] > SpreadElement`,
  `CallExpression[callee.name=/^(${STACK_SPREAD})$/] > SpreadElement`,
].map((selector) => ({
  selector,
  message: 'A spread argument puts every item on the stack (RangeError past ~120k): loop, or say why the array is small (eslint-disable-line … -- bounded: …).',
}))

// Import boundaries (docs/internals/architecture.md). `layers(...)` is a regex over a relative
// import path that reaches one of the named top-level folders of src/ (src/ has no subfolder
// that shares a name with a top-level one).
const layers = (...names) => `^(\\.\\./)+(${names.join('|')})(/|\\.js$)`
const anyLayer = '^\\.\\./'
const noBench = {regex: layers('bench'), message: 'src/bench/ is a leaf: only tests and benchmark/ import it.'}
const boundaries = [
  {folder: 'core', forbid: [{regex: anyLayer, message: 'core is the floor: it imports nothing of ours.'}]},
  {folder: 'format', forbid: [{regex: '^\\.\\./(?!core/)', message: 'format imports only core.'}]},
  {folder: 'graph', forbid: [{regex: layers('runtime', 'executor', 'store', 'ui'), message: 'graph compiles a plain model and knows no runtime, executor, store or ui.'}]},
  {folder: 'store', forbid: [{regex: layers('ui', 'trace'), message: 'store, ui and trace listen to the event stream; none imports another.'}]},
  {folder: 'ui', forbid: [{regex: layers('store', 'trace'), message: 'store, ui and trace listen to the event stream; none imports another.'}]},
  {folder: 'trace', forbid: [{regex: layers('store', 'ui'), message: 'store, ui and trace listen to the event stream; none imports another.'}]},
  {folder: 'scheduler', forbid: [{regex: layers('executor', 'objects'), allowTypeImports: true, message: 'the scheduler sees the executor and the objects only through types; values arrive as options or ports.'}]},
]

const importRule = (patterns) => ['error', {patterns: [...patterns, noBench]}]
// no-restricted-imports does not see import(): the same regexes as syntax selectors
const dynamicImports = (patterns) => [...patterns, noBench].map(({regex, message}) => ({
  selector: `ImportExpression[source.value=/${regex.replaceAll('/', '\\/')}/]`,
  message,
}))

export default tseslint.config(
  // .gitignore's folders and fixtures that are broken on purpose
  {ignores: ['dist/', 'node_modules/', 'tmp/', '.rayts/', 'test/fixtures/bad/']},
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {globals: globals.node},
    linterOptions: {reportUnusedDisableDirectives: 'error'},
    rules: {
      // `_name` marks a parameter or binding kept for its position or its rest siblings
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true}],
      // `try { … } catch {}` is how the code says a failure is expected and harmless
      'no-empty': ['error', {allowEmptyCatch: true}],
      // `cond ? a() : b()` and `ok && f()` as statements are today's style
      '@typescript-eslint/no-unused-expressions': ['error', {allowTernary: true, allowShortCircuit: true}],
    },
  },
  {
    // tests match terminal output: ANSI escapes and aligned columns
    files: ['test/**'],
    rules: {'no-control-regex': 'off', 'no-regex-spaces': 'off'},
  },
  {
    files: ['commands/**'],
    rules: {'no-restricted-syntax': ['error', ...spreadRules]},
  },
  {
    files: ['src/**'],
    rules: {
      'no-restricted-syntax': ['error', ...spreadRules, ...dynamicImports([])],
      '@typescript-eslint/no-restricted-imports': importRule([]),
    },
  },
  {
    files: ['src/bench/**'],
    rules: {
      'no-restricted-syntax': ['error', ...spreadRules],
      '@typescript-eslint/no-restricted-imports': 'off',
    },
  },
  ...boundaries.map(({folder, forbid}) => ({
    files: [`src/${folder}/**`],
    rules: {
      'no-restricted-syntax': ['error', ...spreadRules, ...dynamicImports(forbid)],
      '@typescript-eslint/no-restricted-imports': importRule(forbid),
    },
  })),
)
