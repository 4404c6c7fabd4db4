/**
 * Depth-first search over task dependencies (iterative: graphs may be deep). Nodes are
 * numbered by `ix` (0 to nodes.length - 1); `dep(node, k)` is a node's k-th dependency, null
 * for one to pass over, undefined after the last. Returns the nodes in an order where
 * dependencies come first, and every cycle found, each as a path that starts and ends with
 * the same node. Its state is a byte per node rather than a map keyed by task id.
 */
export function orderTasks<T extends {readonly ix: number}>(
  nodes: readonly T[],
  dep: (node: T, k: number) => T | null | undefined,
): {order: T[]; cycles: T[][]} {
  const NEW = 0
  const OPEN = 1
  const DONE = 2
  const state = new Uint8Array(nodes.length)
  const order: T[] = []
  const cycles: T[][] = []
  const stack: T[] = []
  /** per stack frame: the next dependency to look at */
  const next: number[] = []
  for (const root of nodes) {
    if (state[root.ix] !== NEW) continue
    state[root.ix] = OPEN
    stack.push(root)
    next.push(0)
    while (stack.length > 0) {
      const top = stack.length - 1
      const node = stack[top]!
      const d = dep(node, next[top]!++)
      if (d === undefined) {
        state[node.ix] = DONE
        order.push(node)
        stack.pop()
        next.pop()
      } else if (d !== null) {
        if (state[d.ix] === NEW) {
          state[d.ix] = OPEN
          stack.push(d)
          next.push(0)
        } else if (state[d.ix] === OPEN) {
          cycles.push([...stack.slice(stack.indexOf(d)), d]) // bounded: a cycle's tasks
        }
      }
    }
  }
  return {order, cycles}
}
