// Functions for options.yaml.

/** Where this call ran: the worker's pid, so max_calls' worker recycling shows. */
export function whereAmI(label) {
  return {label, pid: process.pid}
}

/** Two results from one call (num_returns: 2): the evens and the odds. */
export function split(numbers) {
  return [numbers.filter((n) => n % 2 === 0), numbers.filter((n) => n % 2 !== 0)]
}

export function sum(numbers) {
  return numbers.reduce((a, b) => a + b, 0)
}

export function count(numbers) {
  return numbers.length
}
