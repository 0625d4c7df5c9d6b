// Tests the README table generator's HCL reader and renderer (scripts/tf-docs.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeHclString, parseHclBlocks } from '../../../scripts/lib/tf-docs/hcl-blocks';
import {
  BEGIN_MARKER,
  END_MARKER,
  renderTables,
  replaceBetweenMarkers,
} from '../../../scripts/lib/tf-docs/render';
import { main, TF_DOCS_TARGETS } from '../../../scripts/tf-docs';

const REPO_ROOT = path.resolve(__dirname, '../../..');

const VARIABLES = `
# banner comment { with a brace
variable "name" {
  description = "Prefix of <every> resource | name."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{3}$", var.name))
    error_message = "name must be \\"abc\\"-like."
  }
}

variable "route_scopes" {
  description = "Map of \\"METHOD /path\\" to scopes."
  type = map(object({
    scopes = list(string)
  }))
  default = {
    "GET /x" = { scopes = ["a:b"] } // trailing comment
  }
}

variable "script" {
  description = "Heredoc default."
  type        = string
  default     = <<-EOT
    hello { not a block
  EOT
}
`;

const OUTPUTS = `
output "url" {
  description = "Token endpoint."
  value       = "\${replace("/a/b", "/", "~1")}/\${local.x}"
}
`;

describe('parseHclBlocks', () => {
  test('reads depth-1 attributes and skips nested blocks, comments, heredocs and templates', () => {
    // Act
    const variables = parseHclBlocks(VARIABLES);
    const outputs = parseHclBlocks(OUTPUTS);

    // Assert
    expect(variables.map((b) => b.name)).toEqual(['name', 'route_scopes', 'script']);
    expect(variables[0]?.attributes).toEqual({
      description: '"Prefix of <every> resource | name."',
      type: 'string',
    });
    expect(variables[1]?.attributes.type).toContain('list(string)');
    expect(variables[1]?.attributes.default).toContain('"GET /x"');
    expect(variables[2]?.attributes.default).toContain('hello { not a block');
    expect(outputs).toHaveLength(1);
    expect(outputs[0]?.attributes.description).toBe('"Token endpoint."');
  });

  test('rejects unbalanced input', () => {
    // Act / Assert
    expect(() => parseHclBlocks('variable "x" {\n  type = string\n')).toThrow(/unbalanced/);
  });
});

describe('decodeHclString', () => {
  test('decodes escapes in plain literals and leaves other expressions as they are', () => {
    // Act / Assert
    expect(decodeHclString('"a \\"b\\""')).toBe('a "b"');
    expect(decodeHclString('var.x')).toBe('var.x');
  });
});

describe('renderTables', () => {
  test('renders sorted inputs with type, default and required, and outputs', () => {
    // Arrange
    const variables = parseHclBlocks(VARIABLES);
    const outputs = parseHclBlocks(OUTPUTS);

    // Act
    const md = renderTables(variables, outputs);

    // Assert
    expect(md).toContain('| Name | Description | Type | Default | Required |');
    expect(md).toContain(
      '| <a name="input_name"></a> [name](#input_name) | Prefix of &lt;every&gt; resource \\| name. | `string` | n/a | yes |',
    );
    expect(md).toContain('`map(object({scopes = list(string)}))`');
    expect(md).toContain('`{"GET /x" = {scopes = ["a:b"]} // trailing comment}`');
    expect(md).toContain('| <a name="output_url"></a> [url](#output_url) | Token endpoint. |');
    expect(md.indexOf('input_name')).toBeLessThan(md.indexOf('input_route_scopes'));
  });
});

describe('replaceBetweenMarkers', () => {
  test('replaces only the text between the markers', () => {
    // Arrange
    const readme = 'intro\n<!-- BEGIN_TF_DOCS -->\nold\n<!-- END_TF_DOCS -->\noutro\n';

    // Act
    const next = replaceBetweenMarkers(readme, 'new');

    // Assert
    expect(next).toBe('intro\n<!-- BEGIN_TF_DOCS -->\nnew\n<!-- END_TF_DOCS -->\noutro\n');
  });

  test('throws when a marker is missing', () => {
    // Act / Assert
    expect(() => replaceBetweenMarkers('no markers', 'x')).toThrow(/BEGIN_TF_DOCS/);
  });
});

describe('main', () => {
  afterEach(() => jest.restoreAllMocks());

  test.each([
    [['--bogus'], /^tf-docs: Unknown option '--bogus'/],
    [['--readme'], /^tf-docs: .*--readme/],
    [['stray'], /^tf-docs: .*stray/],
    [
      ['--module', '/nonexistent/module'],
      /^tf-docs: --module \/nonexistent\/module is not a directory/,
    ],
    [
      ['--readme', '/nonexistent/README.md'],
      /^tf-docs: --readme \/nonexistent\/README.md is not a file/,
    ],
  ])('exits 2 on %j, naming the flag', (argv, message) => {
    // Arrange
    const stderr = jest.spyOn(console, 'error').mockImplementation(() => undefined);

    // Act
    const code = main(argv);

    // Assert
    expect(code).toBe(2);
    expect(stderr).toHaveBeenCalledTimes(1);
    expect(stderr.mock.calls[0]?.[0]).toMatch(message);
    expect(stderr.mock.calls[0]?.[0]).toContain('Usage: npx tsx scripts/tf-docs.ts');
  });
});

describe('default targets', () => {
  afterEach(() => jest.restoreAllMocks());

  test('cover the root module, modules/authorizer and every example with Terraform files', () => {
    // Arrange
    const examples = fs
      .readdirSync(path.join(REPO_ROOT, 'examples'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `examples/${entry.name}`)
      .filter((dir) => fs.readdirSync(path.join(REPO_ROOT, dir)).some((f) => f.endsWith('.tf')));

    // Act
    const modules = TF_DOCS_TARGETS.map((t) => t.module);

    // Assert
    expect(examples.length).toBeGreaterThan(0);
    expect(modules).toEqual(expect.arrayContaining(['.', 'modules/authorizer', ...examples]));
  });

  test.each(TF_DOCS_TARGETS.map((t) => [t.readme, t.module]))(
    '%s exists and holds the table markers for %s',
    (readme, module) => {
      // Arrange
      const text = fs.readFileSync(path.join(REPO_ROOT, readme), 'utf8');

      // Act
      const begin = text.indexOf(BEGIN_MARKER);
      const end = text.indexOf(END_MARKER);

      // Assert
      expect(fs.existsSync(path.join(REPO_ROOT, module, 'variables.tf'))).toBe(true);
      expect(begin).toBeGreaterThan(-1);
      expect(end).toBeGreaterThan(begin);
    },
  );
});

describe('main with a module of its own', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-docs-'));
    fs.writeFileSync(path.join(dir, 'variables.tf'), VARIABLES);
    fs.writeFileSync(path.join(dir, 'outputs.tf'), OUTPUTS);
    fs.writeFileSync(path.join(dir, 'DOC.md'), `# doc\n\n${BEGIN_MARKER}\nstale\n${END_MARKER}\n`);
  });

  afterEach(() => {
    jest.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('--check exits 1 naming the stale file and leaves it unchanged', () => {
    // Arrange
    const stderr = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const before = fs.readFileSync(path.join(dir, 'DOC.md'), 'utf8');

    // Act
    const code = main(['--check', '--module', dir, '--readme', path.join(dir, 'DOC.md')]);

    // Assert
    expect(code).toBe(1);
    expect(stderr.mock.calls[0]?.[0]).toMatch(/DOC\.md: Terraform tables are stale/);
    expect(fs.readFileSync(path.join(dir, 'DOC.md'), 'utf8')).toBe(before);
  });

  test('without --check rewrites the tables, after which --check passes', () => {
    // Arrange
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const argv = ['--module', dir, '--readme', path.join(dir, 'DOC.md')];

    // Act
    const written = main(argv);
    const checked = main(['--check', ...argv]);

    // Assert
    expect(written).toBe(0);
    expect(checked).toBe(0);
    const text = fs.readFileSync(path.join(dir, 'DOC.md'), 'utf8');
    expect(text).toContain('[route_scopes](#input_route_scopes)');
    expect(text).not.toContain('stale');
    expect(log.mock.calls.map((c) => String(c[0]))).toEqual([
      expect.stringMatching(/^updated .*DOC\.md$/),
      'Terraform tables are up to date',
    ]);
  });
});
