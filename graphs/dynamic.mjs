// Functions for dynamic.yaml.

/** A list whose length is known only when this runs. */
export function listing() {
  return ['alpha', 'beta', 'gamma', 'delta'].slice(0, 2 + Math.floor(Math.random() * 3))
}

export function shout(word, index) {
  return `${index}: ${word.toUpperCase()}`
}
