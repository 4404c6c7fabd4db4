// Types of arrays.mjs, for TypeScript programs that use it through the library API.
/** n standard-normal numbers (Box–Muller), after sleeping n/10 seconds */
export declare function makeArray(n: number): Promise<Float64Array>
/** the elementwise sum of two arrays, after sleeping a.length/10 seconds */
export declare function addArrays(a: Float64Array, b: Float64Array): Promise<Float64Array>
