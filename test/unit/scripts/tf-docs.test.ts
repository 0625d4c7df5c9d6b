// Tests the README table generator's HCL reader and renderer (scripts/tf-docs.ts).
import { decodeHclString, parseHclBlocks } from '../../../scripts/lib/tf-docs/hcl-blocks';
import { renderTables, replaceBetweenMarkers } from '../../../scripts/lib/tf-docs/render';
import { main } from '../../../scripts/tf-docs';

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
