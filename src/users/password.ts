import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { BoundedQueue } from '../util/bounded-queue.js';

/**
 * Passwords are stored as scrypt hashes in PHC string form:
 * `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` (base64, unpadded).
 */
const DEFAULT = { ln: 15, r: 8, p: 1 };
const KEY_LENGTH = 32;
const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]{16,})\$([A-Za-z0-9+/]{32,})$/;

/**
 * scrypt runs on libuv's thread pool (4 threads unless UV_THREADPOOL_SIZE says otherwise),
 * the same threads that read every file the server sends. Two hashes at a time leave the
 * other threads to downloads however many logins arrive; a login beyond the waiting room is
 * refused (QueueFullError) rather than queued for seconds.
 */
const hashing = new BoundedQueue(2, 32);

function derive(password: string, salt: Buffer, cost: { ln: number; r: number; p: number }, length: number): Promise<Buffer> {
  const N = 2 ** cost.ln;
  const options: ScryptOptions = { N, r: cost.r, p: cost.p, maxmem: 256 * N * cost.r + 1024 * 1024 };
  return hashing.run(
    () =>
      new Promise((resolve, reject) => {
        scrypt(password.normalize('NFKC'), salt, length, options, (error, key) => (error ? reject(error) : resolve(key)));
      }),
  );
}

const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');
/** The PHC string of a key derived at the default cost. */
const phc = (salt: Buffer, key: Buffer) => `$scrypt$ln=${DEFAULT.ln},r=${DEFAULT.r},p=${DEFAULT.p}$${b64(salt)}$${b64(key)}`;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, DEFAULT, KEY_LENGTH);
  return phc(salt, key);
}

export function isPasswordHash(value: string): boolean {
  return parseHash(value) !== null;
}

function parseHash(hash: string): { ln: number; r: number; p: number; salt: Buffer; key: Buffer } | null {
  const m = PHC.exec(hash);
  if (!m) return null;
  const [ln, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Bounds keep a hand-edited hash from asking for gigabytes of memory on every login.
  if (ln < 10 || ln > 20 || r < 1 || r > 32 || p < 1 || p > 16) return null;
  return { ln, r, p, salt: Buffer.from(m[4] ?? '', 'base64'), key: Buffer.from(m[5] ?? '', 'base64') };
}

/** Constant-time check of `password` against a stored hash; false for a malformed hash; QueueFullError when too many checks wait. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const parsed = parseHash(hash);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed, parsed.key.length);
  return timingSafeEqual(key, parsed.key);
}

let dummy: Promise<string> | undefined;
/**
 * A hash to check against when the email is unknown, so that a wrong email takes
 * as long to refuse as a wrong password and logins cannot probe who has an account.
 * Checking costs one scrypt of the usual cost, and no password has it (its key is random
 * bytes, not anything's hash), so making it costs nothing: no 32 MiB scrypt at start-up.
 */
export function dummyHash(): Promise<string> {
  dummy ??= Promise.resolve(phc(randomBytes(16), randomBytes(KEY_LENGTH)));
  return dummy;
}
