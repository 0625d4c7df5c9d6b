// Unit tests of delete's confirmation: typing the id on a terminal, --yes without one, cancelling; nothing is deleted unless confirmed.
import { PassThrough } from 'node:stream';
import { runCli, type CliOptions } from '../../../../scripts/lib/clients/cli';
import { terminalPrompter, type Prompter } from '../../../../scripts/lib/clients/confirm';
import { EXIT } from '../../../../tools/cli/exit-codes';
import { parseCommandLine } from '../../../../scripts/lib/clients/args';
import { FakeHasher } from '../../../support/fake-hasher';
import { MemoryClientStore } from '../../../support/memory-client-store';
import { MemoryUsageKeys } from '../../../support/memory-usage-keys';
import { captureOutput, counterRandom, TEST_ACTOR, testClock } from '../../../support/clients-cli';

/** A terminal that answers each question with the next of `answers`, recording the questions. */
function answering(...answers: (string | undefined)[]): Prompter & { questions: string[] } {
  const questions: string[] = [];
  return {
    interactive: true,
    questions,
    ask: async (question) => {
      questions.push(question);
      return answers.shift();
    },
  };
}

const NO_TERMINAL: Prompter = {
  interactive: false,
  ask: () => Promise.reject(new Error('nobody can answer')),
};

/** A CLI over a memory store holding one client named Orders; returns its id. */
async function setup(prompter: Prompter): Promise<{
  run: (...argv: string[]) => Promise<number>;
  store: MemoryClientStore;
  out: ReturnType<typeof captureOutput>;
  id: string;
}> {
  const store = new MemoryClientStore();
  const options: CliOptions = {
    program: 'clients',
    out: captureOutput(),
    env: {},
    openStore: () => store,
    openUsageKeys: async () => new MemoryUsageKeys(undefined),
    hasher: new FakeHasher(),
    clock: testClock(),
    randomBytes: counterRandom(),
    prompter,
    identifyCaller: async () => TEST_ACTOR,
  };
  await runCli(['create', '--name', 'Orders', '--scopes', 'a', '--table', 'clients'], options);
  const [id] = [...store.records.keys()] as [string];
  // The output of the command under test only.
  const out = captureOutput();
  return {
    run: (...argv) => runCli([...argv, '--table', 'clients'], { ...options, out }),
    store,
    out,
    id,
  };
}

describe('delete confirmation', () => {
  it('refuses without a terminal and without --yes: exit 2 naming --yes, nothing deleted', async () => {
    // Arrange
    const { run, store, out, id } = await setup(NO_TERMINAL);
    const writes = store.writes;

    // Act
    const code = await run('delete', id);

    // Assert
    expect(code).toBe(EXIT.USAGE);
    expect(out.stderrText()).toBe(
      `clients: delete asks to type the client id, and stdin is not a terminal: pass --yes to ` +
        `delete client ${id} without asking\n`,
    );
    expect(out.stdoutText()).toBe('');
    expect(store.records.has(id)).toBe(true);
    expect(store.writes).toBe(writes);
  });

  it.each([['--yes'], ['-y']])('deletes with %s without asking, terminal or not', async (flag) => {
    // Arrange
    const terminal = answering();
    const a = await setup(NO_TERMINAL);
    const b = await setup(terminal);

    // Act
    const codes = [await a.run('delete', a.id, flag), await b.run('delete', b.id, flag)];

    // Assert
    expect(codes).toEqual([EXIT.OK, EXIT.OK]);
    expect(a.store.records.has(a.id)).toBe(false);
    expect(b.store.records.has(b.id)).toBe(false);
    expect(terminal.questions).toEqual([]);
  });

  it('on a terminal, asks to type the id, naming the client, and deletes when it is typed', async () => {
    // Arrange
    const terminal = answering();
    const { run, store, out, id } = await setup(terminal);
    terminal.ask = async (question) => {
      terminal.questions.push(question);
      return `  ${id}  `;
    };

    // Act
    const code = await run('delete', id, '--json');

    // Assert
    expect(code).toBe(EXIT.OK);
    expect(terminal.questions).toEqual([
      `Delete client ${id} ("Orders", active)? It can no longer get tokens, and this cannot be ` +
        'undone.\nType the client id to confirm (Enter cancels): ',
    ]);
    expect(store.records.has(id)).toBe(false);
    expect(JSON.parse(out.stdoutText())).toEqual({ client_id: id, name: 'Orders', deleted: true });
  });

  it.each([
    [
      'another id',
      'deadbeef',
      /^clients: delete cancelled: "deadbeef" is not the client id \S+; nothing was deleted\n$/,
    ],
    ['y', 'y', /delete cancelled: "y" is not the client id/],
    ['an empty line', '', /^clients: delete cancelled; nothing was deleted\n$/],
    ['Ctrl-D or Ctrl-C', undefined, /^clients: delete cancelled; nothing was deleted\n$/],
  ])(
    'on a terminal, %s cancels with exit 2 and deletes nothing',
    async (_what, answer, message) => {
      // Arrange
      const { run, store, out, id } = await setup(answering(answer));
      const writes = store.writes;

      // Act
      const code = await run('delete', id);

      // Assert
      expect(code).toBe(EXIT.USAGE);
      expect(out.stderrText()).toMatch(message);
      expect(out.stdoutText()).toBe('');
      expect(store.records.has(id)).toBe(true);
      expect(store.writes).toBe(writes);
    },
  );

  it('on a terminal, an unknown id exits 2 without asking', async () => {
    // Arrange
    const terminal = answering('deadbeef');
    const { run, out } = await setup(terminal);

    // Act
    const code = await run('delete', 'deadbeef');

    // Assert
    expect(code).toBe(EXIT.USAGE);
    expect(out.stderrText()).toBe('clients: no client with id deadbeef\n');
    expect(terminal.questions).toEqual([]);
  });

  it('parses --yes and -y; without them yes is false', () => {
    // Act
    const parse = (...argv: string[]) =>
      parseCommandLine(['delete', 'abc', '--local', ...argv], '/w');

    // Assert
    expect(parse()).toMatchObject({ command: 'delete', clientId: 'abc', yes: false });
    expect(parse('--yes')).toMatchObject({ yes: true });
    expect(parse('-y')).toMatchObject({ yes: true });
  });
});

describe('terminalPrompter', () => {
  /** A fake terminal: input and output streams. */
  function terminal(isTTY: boolean): {
    input: PassThrough & { isTTY?: boolean };
    output: PassThrough;
    shown: () => string;
  } {
    const input = Object.assign(new PassThrough(), { isTTY });
    const output = new PassThrough();
    let shown = '';
    output.on('data', (chunk: Buffer) => (shown += chunk.toString()));
    return { input, output, shown: () => shown };
  }

  it('is interactive only when its input is a TTY', () => {
    // Act / Assert
    expect(terminalPrompter(() => terminal(true)).interactive).toBe(true);
    expect(terminalPrompter(() => terminal(false)).interactive).toBe(false);
  });

  it('opens its streams only when used, so commands other than delete never touch stdin', () => {
    // Arrange
    const streams = jest.fn(() => terminal(false));

    // Act
    terminalPrompter(streams);

    // Assert
    expect(streams).not.toHaveBeenCalled();
  });

  it('shows the question on its output and returns the line typed', async () => {
    // Arrange
    const streams = terminal(true);
    const { input, shown } = streams;
    const prompter = terminalPrompter(() => streams);

    // Act
    const answer = prompter.ask('Type it: ');
    input.write('abc123\n');

    // Assert
    await expect(answer).resolves.toBe('abc123');
    expect(shown()).toBe('Type it: ');
  });

  it('returns undefined when the input ends before a line (Ctrl-D)', async () => {
    // Arrange
    const streams = terminal(true);
    const prompter = terminalPrompter(() => streams);

    // Act
    const answer = prompter.ask('Type it: ');
    streams.input.end();

    // Assert
    await expect(answer).resolves.toBeUndefined();
  });
});
