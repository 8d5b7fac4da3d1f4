import { createInterface } from 'node:readline';
import { UsageError } from './errors.js';

/**
 * Reads a password: typed at a prompt without echo on a terminal, or the first line
 * of standard input when piped (`echo "$PW" | updateforge hash-password`).
 */
export async function readPassword(prompt: string, input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): Promise<string> {
  const password = input.isTTY ? await promptHidden(prompt, input, output) : await firstLine(input);
  if (password === '') throw new UsageError('Empty password: type one at the prompt or pipe it on standard input.');
  // These passwords guard an API on the public internet (NIST SP 800-63B asks at least 8 characters).
  if ([...password].length < MIN_PASSWORD_LENGTH)
    throw new UsageError(`The password is too short: use at least ${MIN_PASSWORD_LENGTH} characters (a passphrase of a few words is best).`);
  // A typo at a hidden prompt would make a tester nobody can log in as: typed twice.
  if (input.isTTY && (await promptHidden('Again: ', input, output)) !== password) throw new UsageError('The two passwords differ: nothing was changed. Run the command again.');
  return password;
}

export const MIN_PASSWORD_LENGTH = 8;

async function firstLine(input: NodeJS.ReadStream): Promise<string> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  return '';
}

function promptHidden(prompt: string, input: NodeJS.ReadStream, output: NodeJS.WriteStream): Promise<string> {
  return new Promise((resolve, reject) => {
    output.write(prompt);
    input.setRawMode(true);
    input.resume();
    let value = '';
    const done = (result: string | Error) => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      output.write('\n');
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n' || char === '\u0004') return done(value);
        if (char === '\u0003') return done(new UsageError('Cancelled.'));
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else value += char;
      }
    };
    input.on('data', onData);
  });
}
