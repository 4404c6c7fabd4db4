// Functions for commands.yaml.

/** How many lines to make. */
export function size() {
  return 3
}

/** Some words, one per line when fed to a command's stdin. */
export function words() {
  return 'pear\napple\nfig\n'
}

/** The total of the numbers a command printed as JSON. */
export function total(numbers) {
  return numbers.reduce((a, b) => a + b, 0)
}
