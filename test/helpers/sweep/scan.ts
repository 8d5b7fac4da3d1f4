import { createHash } from 'node:crypto';

/**
 * The secrets sweep's matching core, free of vitest so it can be unit-tested: a registry
 * of the secret values the suite made, and a scanner that finds them (and anything shaped
 * like a token, a password hash or a private key, registered or not) in outputs, whole or
 * streamed in windows.
 */

export type SecretKind = 'jwt-secret' | 'password' | 'password-hash' | 'token' | 'github-token' | 'private-key';

export interface KnownSecret {
  readonly kind: SecretKind;
  readonly label: string;
  readonly fingerprint: string;
  readonly bytes: Buffer;
}

/** Shorter values would match by chance in binary assets, so they are counted but not searched for. */
export const MIN_SECRET_BYTES = 8;

/** What a report may show of a secret: enough to tell two apart, useless to an attacker. */
export function fingerprint(value: string | Buffer): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 10);
}

export class SecretRegistry {
  readonly known = new Map<string, KnownSecret>();
  /** Fingerprints of values too short to search for. */
  readonly tooShort = new Map<string, SecretKind>();
  /** Bumped on every new value, so matchers know to rebuild. */
  version = 0;

  add(kind: SecretKind, value: string | undefined, label: string): void {
    if (value === undefined || value === '') return;
    const bytes = Buffer.from(value, 'utf8');
    const print = fingerprint(bytes);
    if (bytes.length < MIN_SECRET_BYTES) {
      this.tooShort.set(print, kind);
      return;
    }
    if (this.known.has(print)) return;
    this.known.set(print, { kind, label, fingerprint: print, bytes });
    this.version++;
  }

  /** A PEM is searched for line by line: any one base64 line of the key body in an output is a leak, however it was re-wrapped. */
  addPrivateKey(pem: string, label: string): void {
    for (const line of pem.split(/\r?\n/)) {
      if (line.startsWith('-----') || line.trim().length < 16) continue;
      this.add('private-key', line.trim(), label);
    }
  }

  /** The whole PHC string, and its derived key alone (the part that lets an attacker test guesses offline). */
  addPasswordHash(hash: string, label: string): void {
    this.add('password-hash', hash, label);
    const key = hash.split('$').at(-1);
    if (key && key.length >= 32) this.add('password-hash', key, `${label} (derived key)`);
  }

  byKind(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const s of this.known.values()) out[s.kind] = (out[s.kind] ?? 0) + 1;
    return out;
  }
}

/** Secrets recognisable by their shape, so ones the suite never saw (a device link, a hash the CLI made) are still found. */
const SHAPES: readonly { kind: SecretKind; label: string; prefix: string; re: RegExp }[] = [
  { kind: 'token', label: 'JWT', prefix: 'eyJ', re: /eyJ[A-Za-z0-9_-]{4,2000}\.eyJ[A-Za-z0-9_-]{4,4000}\.[A-Za-z0-9_-]{16,1000}/g },
  { kind: 'password-hash', label: 'scrypt hash', prefix: '$scrypt$', re: /\$scrypt\$[a-z0-9=,]{1,64}\$[A-Za-z0-9+/]{16,200}\$[A-Za-z0-9+/]{32,400}/g },
  { kind: 'private-key', label: 'PEM private key', prefix: '-----BEGIN ', re: /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----/g },
];

export interface Hit {
  readonly where: string;
  readonly kind: SecretKind;
  readonly label: string;
  readonly fingerprint: string;
  /** Byte offset in the output. */
  readonly offset: number;
}

/** A match as an allowance sees it, with the window it was found in (latin1: one char per byte). */
export interface Candidate {
  readonly kind: SecretKind;
  readonly label: string;
  readonly fingerprint: string;
  readonly registered: boolean;
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** True when `text` runs to the end of the output. */
  readonly atEnd: boolean;
}

/** Says why a secret may be exactly here (a reason, counted in the summary), or null for a leak. */
export type Allowance = (candidate: Candidate) => string | null;

export interface Output {
  /** Where, for the report: never a secret (no query strings, no argument values). */
  readonly where: string;
  /** Undefined (or absent) when nothing found here is allowed. */
  readonly allow?: Allowance | undefined;
}

export interface Sink {
  hit(hit: Hit): void;
  allowed(reason: string): void;
}

/** Finds every registered value at once: a 4-byte prefix filter, then a byte compare. */
class LiteralMatcher {
  private readonly bits = new Uint8Array(1 << 17);
  private readonly buckets = new Map<number, KnownSecret[]>();

  constructor(secrets: Iterable<KnownSecret>) {
    for (const s of secrets) {
      const key = s.bytes.readUInt32LE(0);
      const h = Math.imul(key, 0x9e3779b1) >>> 12;
      this.bits[h >>> 3]! |= 1 << (h & 7);
      const list = this.buckets.get(key);
      if (list) list.push(s);
      else this.buckets.set(key, [s]);
    }
  }

  /** Matches starting in [from, to) of `buf`, complete within it. */
  find(buf: Buffer, from: number, to: number, found: (s: KnownSecret, start: number) => void): void {
    if (this.buckets.size === 0) return;
    const bits = this.bits;
    const last = Math.min(to, buf.length - 3);
    if (from >= last) return;
    // The 4 bytes at i, little-endian, rolled one byte at a time.
    let key = (buf[from]! << 8) | (buf[from + 1]! << 16) | (buf[from + 2]! << 24);
    for (let i = from; i < last; i++) {
      key = (key >>> 8) | (buf[i + 3]! << 24);
      const h = Math.imul(key, 0x9e3779b1) >>> 12;
      if ((bits[h >>> 3]! & (1 << (h & 7))) === 0) continue;
      const list = this.buckets.get(key >>> 0);
      if (!list) continue;
      for (const s of list) {
        const end = i + s.bytes.length;
        if (end <= buf.length && buf.compare(s.bytes, 0, s.bytes.length, i, end) === 0) found(s, i);
      }
    }
  }
}

/** How far a streamed window reaches back: longer than any match (JWTs are capped well below it) plus context for allowances. */
const OVERLAP = 16 * 1024;
const CONTEXT = 256;
const WINDOW = 256 * 1024;

export class Scanner {
  private matcher: LiteralMatcher | null = null;
  private matcherVersion = -1;
  /** Time spent matching, for the sweep's own cost in the summary. */
  busyMs = 0;

  constructor(
    readonly registry: SecretRegistry,
    private readonly sink: Sink,
  ) {}

  private literals(): LiteralMatcher {
    if (!this.matcher || this.matcherVersion !== this.registry.version) {
      this.matcher = new LiteralMatcher(this.registry.known.values());
      this.matcherVersion = this.registry.version;
    }
    return this.matcher;
  }

  /** Scans one whole output; returns its size in bytes. */
  scan(data: string | Buffer | Uint8Array, output: Output): number {
    const stream = this.stream(output);
    stream.write(data);
    return stream.end();
  }

  /** For outputs too big to hold: written chunk by chunk, scanned in overlapping windows. */
  stream(output: Output): StreamScan {
    return new StreamScan(this, output);
  }

  /**
   * Scans `buf` (whose first byte is at `base` in the output) for matches starting at
   * output offsets [from, to); `atEnd` when `buf` ends the output.
   */
  window(buf: Buffer, base: number, from: number, to: number, atEnd: boolean, output: Output): void {
    const started = performance.now();
    // Decoding a window to text costs more than matching it: done only when something may match.
    let decoded: string | null = null;
    const text = () => (decoded ??= buf.toString('latin1'));
    const found: (Omit<Candidate, 'text'> & { offset: number })[] = [];
    const add = (kind: SecretKind, label: string, print: string, registered: boolean, start: number, end: number) => {
      if (base + start < from || base + start >= to) return;
      found.push({ kind, label, fingerprint: print, registered, start, end, atEnd, offset: base + start });
    };
    this.literals().find(buf, Math.max(0, from - base), to - base, (s, start) => add(s.kind, s.label, s.fingerprint, true, start, start + s.bytes.length));
    for (const shape of SHAPES) {
      if (buf.indexOf(shape.prefix, 0, 'latin1') === -1) continue;
      shape.re.lastIndex = 0;
      for (const m of text().matchAll(shape.re)) {
        const start = m.index;
        const known = this.registry.known.get(fingerprint(Buffer.from(m[0], 'latin1')));
        add(shape.kind, known?.label ?? shape.label, known?.fingerprint ?? fingerprint(Buffer.from(m[0], 'latin1')), known !== undefined, start, start + m[0].length);
      }
    }
    // One leak is one hit: a hash's derived key inside the whole hash, a registered token also matched by its shape.
    found.sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start) || Number(b.registered) - Number(a.registered));
    let reach = -1;
    for (const c of found) {
      if (c.end <= reach) continue;
      reach = c.end;
      const reason = output.allow?.({ ...c, text: text() }) ?? null;
      if (reason !== null) this.sink.allowed(reason);
      else this.sink.hit({ where: output.where, kind: c.kind, label: c.label, fingerprint: c.fingerprint, offset: c.offset });
    }
    this.busyMs += performance.now() - started;
  }
}

export class StreamScan {
  private carry: Buffer = Buffer.alloc(0);
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Output offset of carry[0]. */
  private base = 0;
  /** Matches starting before this offset were already reported. */
  private reportedTo = 0;
  private done = false;

  constructor(
    private readonly scanner: Scanner,
    private readonly output: Output,
  ) {}

  write(chunk: string | Buffer | Uint8Array): void {
    if (this.done) return;
    // Copied: a writer may reuse its buffer once write() returns.
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
    if (bytes.length === 0) return;
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes >= WINDOW) this.pass(false);
  }

  /** Scans what is left; returns the output's size in bytes. Further writes are ignored. */
  end(): number {
    if (!this.done) this.pass(true);
    this.done = true;
    return this.base + this.carry.length;
  }

  private pass(final: boolean): void {
    const buf = Buffer.concat([this.carry, ...this.pending]);
    this.pending = [];
    this.pendingBytes = 0;
    const end = this.base + buf.length;
    const to = final ? end : end - OVERLAP;
    if (to > this.reportedTo) {
      this.scanner.window(buf, this.base, this.reportedTo, to, final, this.output);
      this.reportedTo = to;
    }
    const keepFrom = Math.max(0, this.reportedTo - CONTEXT - this.base);
    this.carry = final ? buf.subarray(keepFrom) : Buffer.from(buf.subarray(keepFrom));
    this.base += keepFrom;
  }
}
