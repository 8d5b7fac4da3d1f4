// How the page words numbers and dates: the tester's own locale, the units people read.

// Sizes are written as the CLI writes them (decimal units, as phones and app stores show them).
export { formatSize } from '../src/util/format-size.js';

/** An ISO timestamp as the tester's locale writes a date ("Jan 15, 2026"). */
export function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

/** An ISO timestamp as a time of day ("11:45 AM"), for when a link stops working. */
export function formatTime(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' });
}

/** 1 → "1 download", 1234 → "1,234 downloads" in the tester's locale. */
export function formatDownloads(count: number): string {
  return `${count.toLocaleString()} download${count === 1 ? '' : 's'}`;
}
