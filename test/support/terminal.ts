// Runs a command on a pseudo-terminal (util-linux script(1)) and types an answer when a prompt appears, for tests of interactive confirmation.
import { spawn } from 'node:child_process';

/** What the terminal showed (stdout and stderr together, with CR LF line ends) and the exit code. */
export interface TerminalRun {
  code: number | null;
  screen: string;
}

/** Quotes one argument for the POSIX shell that script(1) runs the command with. */
function shellWord(arg: string): string {
  return `'${arg.replaceAll("'", "'\\''")}'`;
}

/**
 * Runs `argv` with a pseudo-terminal as stdin, stdout and stderr, so `process.stdin.isTTY` is
 * true in it; once `prompt` appears on the screen, types `keys` (end a line with `\r`, as the
 * Enter key does; `\x03` is Ctrl-C, `\x04` Ctrl-D).
 * @param argv the command and its arguments
 * @param options working directory, environment, the prompt to wait for and the keys to type
 * @returns the screen and exit code
 */
export function runOnTerminal(
  argv: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; prompt: string; keys: string },
): Promise<TerminalRun> {
  return new Promise((resolve, reject) => {
    // -q: no "Script started" lines; -e: exit with the command's code; -c: the command.
    const child = spawn('script', ['-qec', argv.map(shellWord).join(' '), '/dev/null'], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let screen = '';
    let typed = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString();
      if (!typed && screen.includes(options.prompt)) {
        typed = true;
        child.stdin.write(options.keys);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, screen });
    });
  });
}
