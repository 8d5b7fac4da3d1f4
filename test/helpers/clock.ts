/** A clock that stands still until a test moves it: pass `now` where a module takes one. */
export interface ManualClock {
  readonly now: () => number;
  advance(ms: number): void;
}

/** Starts well past 0, so that "never" (0 or -Infinity) is always long ago. */
export function manualClock(start = 1_000_000_000): ManualClock {
  let time = start;
  return {
    now: () => time,
    advance(ms: number) {
      time += ms;
    },
  };
}
