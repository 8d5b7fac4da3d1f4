// One way to write a size, for the CLI, the job summary and the tester page alike (the page's
// bundle imports this file too, so it must stay free of Node APIs).

const UNITS = ['KB', 'MB', 'GB', 'TB'];

/**
 * `512 bytes`, `2.3 KB`, `48.2 MB`, `150 MB`: decimal units, as phones, app stores and GitHub show
 * sizes, one decimal below 100 (none when it is 0).
 */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} byte${bytes === 1 ? '' : 's'}`;
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  // Rounding can carry into the next unit (999,960 bytes is 1000.0 KB): say 1 MB instead.
  if (Number(value.toFixed(1)) >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const text = value < 100 ? value.toFixed(1).replace(/\.0$/, '') : value.toFixed(0);
  return `${text} ${UNITS[unit]}`;
}
