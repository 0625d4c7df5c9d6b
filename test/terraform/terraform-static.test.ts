// Offline Terraform checks: fmt, init + validate of every configuration, `terraform test` with mocks, README tables in step.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { AUTHORIZER_IDENTITY_SOURCES } from '../../tools/local-server/local-authorizer';
import {
  REPO_ROOT,
  TERRAFORM_DIRS,
  createWorkspace,
  describeWithTerraformMirror,
  ensureArtifacts,
  expectExit,
  mapLimit,
  terraform,
  type Artifacts,
  type TfWorkspace,
} from './harness';

jest.setTimeout(240_000);

describeWithTerraformMirror()('terraform module (offline)', () => {
  let ws: TfWorkspace;
  let artifacts: Artifacts;

  beforeAll(async () => {
    // Arrange: a temp copy of the tree, offline CLI config, Lambda zips
    ws = createWorkspace();
    artifacts = await ensureArtifacts(path.join(ws.root, '..', 'artifacts'));
    // Sequential inits: the shared plugin cache is not safe for concurrent writers.
    for (const dir of TERRAFORM_DIRS) {
      expectExit(
        await terraform(ws, dir, [
          'init',
          '-backend=false',
          '-input=false',
          '-no-color',
          ...(dir === '.' ? ['-test-directory=test/terraform'] : []),
        ]),
        `terraform init in ${dir}`,
      );
    }
  });

  afterAll(() => ws?.cleanup());

  test('terraform fmt -check -recursive finds nothing to format', async () => {
    // Act: on the repository itself (fmt -check writes nothing)
    const result = await terraform({ ...ws, root: REPO_ROOT }, '.', [
      'fmt',
      '-check',
      '-recursive',
      '-diff',
      '-no-color',
    ]);

    // Assert
    expectExit(result, 'terraform fmt -check -recursive');
  });

  test('terraform validate passes for the root module, each submodule and each example', async () => {
    // Act
    const results = await mapLimit(TERRAFORM_DIRS, 2, async (dir) => ({
      dir,
      result: await terraform(ws, dir, ['validate', '-no-color']),
    }));

    // Assert
    for (const { dir, result } of results) expectExit(result, `terraform validate in ${dir}`);
  });

  test('terraform test (mock provider): validations, IAM least privilege, key rotation wiring, route throttles', async () => {
    // Arrange: every tftest file, in two groups of about as many runs, one terraform process each
    // (terraform test runs its files one after another on one core; this machine has two).
    const files = fs
      .readdirSync(path.join(REPO_ROOT, 'test/terraform'))
      .filter((f) => f.endsWith('.tftest.hcl'))
      .map((f) => ({
        file: `test/terraform/${f}`,
        runs: (
          fs.readFileSync(path.join(REPO_ROOT, 'test/terraform', f), 'utf8').match(/^run "/gm) ?? []
        ).length,
      }))
      .sort((a, b) => b.runs - a.runs || a.file.localeCompare(b.file));
    const first = { files: [] as string[], runs: 0 };
    const second = { files: [] as string[], runs: 0 };
    for (const { file, runs } of files) {
      const lighter = first.runs <= second.runs ? first : second;
      lighter.files.push(file);
      lighter.runs += runs;
    }
    const groups = [first, second].filter((g) => g.files.length > 0);

    // Act
    const results = await mapLimit(groups, 2, (group) =>
      terraform(ws, '.', [
        'test',
        '-no-color',
        '-test-directory=test/terraform',
        `-var=artifacts_dir=${artifacts.dir}`,
        ...group.files.map((f) => `-filter=${f}`),
      ]),
    );

    // Assert: each group passed every run of its files, and together they ran every run.
    let passed = 0;
    for (const [i, result] of results.entries()) {
      expectExit(result, `terraform test ${groups[i]?.files.join(' ')}`);
      const summary = /Success! (\d+) passed, 0 failed/.exec(result.stdout);
      expect(summary).not.toBeNull();
      passed += Number(summary?.[1]);
    }
    expect(passed).toBe(files.reduce((sum, f) => sum + f.runs, 0));
  });

  test('the local server keys its REQUEST authorizer exactly as modules/authorizer does', () => {
    // Arrange
    const main = fs.readFileSync(path.join(REPO_ROOT, 'modules/authorizer/main.tf'), 'utf8');
    // Act
    const declared = /^\s*identity_source\s*=\s*"([^"]+)"/m.exec(main)?.[1];
    // Assert
    expect(declared).toBe(AUTHORIZER_IDENTITY_SOURCES);
    expect(main).toMatch(/type\s+=\s+"REQUEST"/);
  });

  test('inputs/outputs tables in docs/ and the module READMEs match variables.tf and outputs.tf', async () => {
    // Act
    const tsx = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
    const run = promisify(execFile)(tsx, ['scripts/tf-docs.ts', '--check'], { cwd: REPO_ROOT });

    // Assert: exit code 0 (a stale README exits 1 and rejects)
    await expect(run).resolves.toMatchObject({ stdout: expect.stringContaining('up to date') });
  });
});
