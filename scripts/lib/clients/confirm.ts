// Confirmation of `delete`: the operator types the client id on a terminal; scripts pass --yes.
import { createInterface } from 'node:readline';
import type { ClientAdminStore } from '../../../tools/dev-adapters/client-admin-store';
import { ClientNotFoundError } from '../../../tools/dev-adapters/errors';
import { UsageError } from '../../../tools/cli/usage-error';

/** Asks the operator a question; injected so that tests answer it. */
export interface Prompter {
  /** True when someone can answer: stdin is a terminal. */
  readonly interactive: boolean;
  /**
   * @param question the text shown (on stderr, so that stdout keeps only the command's output)
   * @returns the line typed, or undefined when input ended (Ctrl-D) or was interrupted (Ctrl-C)
   */
  ask(question: string): Promise<string | undefined>;
}

/** Where a prompter reads answers and writes questions. */
export interface PrompterStreams {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream;
}

/**
 * The terminal: interactive only when the input is a TTY; asks on stderr.
 * @param streams input and output (default stdin and stderr, opened only when first used, so
 *   that commands other than delete never touch stdin)
 * @returns the prompter
 */
export function terminalPrompter(
  streams: () => PrompterStreams = () => ({ input: process.stdin, output: process.stderr }),
): Prompter {
  return {
    get interactive() {
      return streams().input.isTTY === true;
    },
    ask: (question) =>
      new Promise((resolve) => {
        const { input, output } = streams();
        const rl = createInterface({ input, output });
        let answer: string | undefined;
        rl.question(question, (line) => {
          answer = line;
          rl.close();
        });
        // Ctrl-C cancels the question (readline would otherwise only pause the input).
        rl.on('SIGINT', () => rl.close());
        rl.on('close', () => {
          // Ctrl-C or Ctrl-D left the cursor after the question.
          if (answer === undefined) output.write('\n');
          resolve(answer);
        });
      }),
  };
}

/**
 * Asks before `delete` does anything, as CLIs do for actions that cannot be undone (GitHub's
 * `gh repo delete` asks for the repository's name): the operator types the client id. Without a
 * terminal nobody can answer, so `--yes` is required and its absence is an error, never a silent
 * yes or no.
 * @param deps the store (the prompt names the client) and the prompter (absent: no terminal)
 * @param clientId the client to delete
 * @param yes `--yes` was given
 * @throws UsageError naming --yes without a terminal, or when the operator does not confirm
 * @throws ClientNotFoundError for an unknown id (before asking)
 */
export async function confirmDelete(
  deps: { store: ClientAdminStore; prompter?: Prompter },
  clientId: string,
  yes: boolean,
): Promise<void> {
  if (yes) return;
  const prompter = deps.prompter;
  if (prompter === undefined || !prompter.interactive) {
    throw new UsageError(
      `delete asks to type the client id, and stdin is not a terminal: pass --yes to delete ` +
        `client ${clientId} without asking`,
    );
  }
  const record = await deps.store.getClient(clientId);
  if (record === undefined) throw new ClientNotFoundError(clientId);
  const answer = await prompter.ask(
    `Delete client ${clientId} (${JSON.stringify(record.name)}, ${record.status})? It can no ` +
      'longer get tokens, and this cannot be undone.\n' +
      'Type the client id to confirm (Enter cancels): ',
  );
  const typed = answer?.trim() ?? '';
  if (typed === clientId) return;
  throw new UsageError(
    typed === ''
      ? 'delete cancelled; nothing was deleted'
      : `delete cancelled: ${JSON.stringify(typed)} is not the client id ${clientId}; nothing was deleted`,
  );
}
