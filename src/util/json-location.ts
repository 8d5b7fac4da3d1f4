/** A place in a text file, as editors and compilers count it: both from 1. */
export interface LineColumn {
  readonly line: number;
  readonly column: number;
}

/** The line and column of the character at `offset` (a UTF-16 index, as JSON.parse counts). */
export function lineColumn(text: string, offset: number): LineColumn {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: before.length - lineStart + 1 };
}

interface Place {
  /** Where the member's key starts, for a value inside an object. */
  readonly key: number | undefined;
  readonly value: number;
}

class ScanError extends Error {
  constructor(readonly offset: number) {
    super(`not valid JSON at ${offset}`);
  }
}

const LITERAL = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
const pathId = (path: readonly PropertyKey[]) => JSON.stringify(path.map((p) => (typeof p === 'number' ? p : String(p))));

/** Walks a whole JSON text, noting where every value (and key) starts; throws ScanError at the first character that is not JSON. */
function scan(text: string): Map<string, Place> {
  const places = new Map<string, Place>();
  let i = 0;
  const fail = (at: number): never => {
    throw new ScanError(at);
  };
  const skipSpace = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const string = (): string => {
    const start = i++;
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"') {
        i++;
        try {
          return JSON.parse(text.slice(start, i)) as string;
        } catch {
          return fail(start);
        }
      }
      if (c < ' ') fail(i);
      i += c === '\\' ? 2 : 1;
    }
    return fail(text.length);
  };
  const value = (path: readonly PropertyKey[], key: number | undefined): void => {
    skipSpace();
    places.set(pathId(path), { key, value: i });
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      skipSpace();
      if (text[i] === close) {
        i++;
        return;
      }
      for (let index = 0; ; index++) {
        skipSpace();
        if (c === '{') {
          if (text[i] !== '"') fail(i);
          const keyAt = i;
          const name = string();
          skipSpace();
          if (text[i] !== ':') fail(i);
          i++;
          value([...path, name], keyAt);
        } else {
          value([...path, index], undefined);
        }
        skipSpace();
        if (text[i] === close) {
          i++;
          return;
        }
        if (text[i] !== ',') fail(i);
        i++;
      }
    }
    if (c === '"') {
      string();
      return;
    }
    LITERAL.lastIndex = i;
    if (!LITERAL.test(text)) fail(i);
    i = LITERAL.lastIndex;
  };
  value([], undefined);
  skipSpace();
  if (i < text.length) fail(i);
  return places;
}

/**
 * Where the value at `path` starts in a JSON text, or with `key` the start of its key; for a path
 * the text lacks (a missing member), its nearest ancestor's value. Undefined when the text is not JSON.
 */
export type JsonLocator = (path: readonly PropertyKey[], options?: { key?: boolean }) => LineColumn | undefined;

/** A locator over `text`, scanned once. */
export function jsonLocator(text: string): JsonLocator {
  let places: Map<string, Place> | undefined;
  try {
    places = scan(text);
  } catch {
    places = undefined;
  }
  return (path, options = {}) => {
    if (places === undefined) return undefined;
    for (let length = path.length; length >= 0; length--) {
      const place = places.get(pathId(path.slice(0, length)));
      if (place === undefined) continue;
      const offset = options.key && length === path.length && place.key !== undefined ? place.key : place.value;
      return lineColumn(text, offset);
    }
    return undefined;
  };
}

/**
 * Where JSON.parse stopped, from its message: Node 20 says "at position N" (or nothing, for an
 * unexpected token), Node 22 adds "(line L column C)"; when it says neither, the first character
 * that is not JSON, found by scanning the text.
 */
export function syntaxErrorPlace(text: string, message: string): LineColumn | undefined {
  const reported = /\(line (\d+) column (\d+)\)/.exec(message);
  if (reported) return { line: Number(reported[1]), column: Number(reported[2]) };
  const position = /at position (\d+)/.exec(message);
  if (position) return lineColumn(text, Number(position[1]));
  try {
    scan(text);
  } catch (error) {
    if (error instanceof ScanError) return lineColumn(text, error.offset);
  }
  return undefined;
}

/** JSON.parse's message without the place it names or the copy of the text it quotes: "Unexpected token 'x'". */
export function syntaxErrorReason(message: string): string {
  return message
    .replace(/ in JSON at position \d+(?: \(line \d+ column \d+\))?/, '')
    .replace(/, (?:\.\.\.)?"[\s\S]*" is not valid JSON$/, '')
    .trim();
}
