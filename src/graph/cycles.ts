/**
 * Depth-first search over task dependencies (iterative: graphs may be deep).
 * Returns the tasks in an order where dependencies come first, and every cycle found,
 * each as a path that starts and ends with the same task.
 */
export function orderTasks(ids: readonly string[], deps: (id: string) => Iterable<string>): {order: string[]; cycles: string[][]} {
  const state = new Map<string, 1 | 2>()
  const order: string[] = []
  const cycles: string[][] = []
  for (const root of ids) {
    if (state.has(root)) continue
    const stack: {id: string; it: Iterator<string>}[] = [{id: root, it: deps(root)[Symbol.iterator]()}]
    state.set(root, 1)
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!
      const next = top.it.next()
      if (next.done) {
        state.set(top.id, 2)
        order.push(top.id)
        stack.pop()
        continue
      }
      const d = next.value
      const s = state.get(d)
      if (s === undefined) {
        state.set(d, 1)
        stack.push({id: d, it: deps(d)[Symbol.iterator]()})
      } else if (s === 1) {
        const from = stack.findIndex((f) => f.id === d)
        cycles.push([...stack.slice(from).map((f) => f.id), d])
      }
    }
  }
  return {order, cycles}
}
