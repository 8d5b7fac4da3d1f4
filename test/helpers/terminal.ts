import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CLI } from './cli.js';
import { tempDir } from './fixtures.js';

export interface BlockRun {
  readonly stdout: string;
  readonly stderr: string;
  /** Each command of the block that failed (bash's ERR trap), with its exit status: empty when all succeeded. */
  readonly failed: readonly string[];
}

const DONE = '__terminal_block_done__';

/**
 * One bash session, as a reader pastes README blocks into a terminal: variables and `export`s
 * of one block are there for the next, and `npx updateforge` runs this checkout's built CLI (as
 * it does once the package is installed in the reader's project). Any other `npx` fails, so a
 * block cannot quietly reach the network.
 */
export class Terminal {
  private constructor(
    private readonly shell: ChildProcessWithoutNullStreams,
    private readonly files: string,
  ) {}

  private output = '';
  private count = 0;

  static async open(options: { cwd: string; env: Record<string, string> }): Promise<Terminal> {
    const files = await tempDir('uf-terminal-');
    const bin = path.join(files, 'bin');
    await mkdir(bin);
    const npx = path.join(bin, 'npx');
    await writeFile(
      npx,
      `#!/bin/sh\nif [ "$1" = updateforge ]; then shift; exec "${process.execPath}" "${CLI}" "$@"; fi\necho "npx $1: only npx updateforge runs in this terminal" >&2\nexit 127\n`,
    );
    await chmod(npx, 0o755);
    const shell = spawn('bash', ['--noprofile', '--norc'], {
      cwd: options.cwd,
      env: { HOME: files, PATH: `${bin}:${process.env['PATH'] ?? ''}`, LANG: 'C.UTF-8', ...options.env },
      detached: true, // its own process group, so close() also stops what a block left running
    });
    const terminal = new Terminal(shell, files);
    shell.stdout.on('data', (d: Buffer) => (terminal.output += d.toString()));
    shell.stdin.write(`set -o pipefail\ntrap 'echo "$BASH_COMMAND (exit $?)" >> "$UF_FAILED"' ERR\n`);
    return terminal;
  }

  /** Runs a block as pasted (stdin: `input`), and waits for its last command to finish. */
  async run(text: string, options: { input?: string; timeoutMs?: number } = {}): Promise<BlockRun> {
    const n = ++this.count;
    const file = (name: string) => path.join(this.files, `${n}.${name}`);
    await writeFile(file('in'), options.input ?? '');
    await writeFile(file('failed'), '');
    this.shell.stdin.write(`UF_FAILED='${file('failed')}'\n{\n${text}\n} < '${file('in')}' > '${file('out')}' 2> '${file('err')}'\necho ${DONE} ${n}\n`);
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    while (!this.output.includes(`${DONE} ${n}\n`)) {
      if (this.shell.exitCode !== null) throw new Error(`the terminal's shell exited (${this.shell.exitCode}) during block ${n}`);
      if (Date.now() > deadline) throw new Error(`block ${n} did not finish in time:\n${text}\nstderr so far:\n${await readFile(file('err'), 'utf8').catch(() => '')}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    const read = (name: string) => readFile(file(name), 'utf8');
    return { stdout: await read('out'), stderr: await read('err'), failed: (await read('failed')).split('\n').filter(Boolean) };
  }

  /** Ends the session and everything it started (a server a block put in the background). */
  close(): void {
    if (this.shell.pid !== undefined) {
      try {
        process.kill(-this.shell.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
}
