// Minimal HCL reader for terraform-docs style tables: finds top-level `variable`/`output` blocks and their attributes.

/** One top-level labelled block, e.g. `variable "name" { ... }`, with its own (depth-1) attributes as raw HCL text. */
export interface HclBlock {
  /** Block type, e.g. `variable` or `output`. */
  type: string;
  /** First label, e.g. the variable name. */
  name: string;
  /** Attribute name to raw expression text (trimmed), for attributes directly inside the block. */
  attributes: Record<string, string>;
}

/**
 * Returns the index just after a quoted string that starts at `start` (the opening quote),
 * following `${ ... }` / `%{ ... }` templates that may contain nested strings.
 * @param src HCL source
 * @param start index of the opening `"`
 * @returns index after the closing quote
 */
function skipString(src: string, start: number): number {
  let i = start + 1;
  while (i < src.length) {
    const c = src[i];
    if (c === '\\') {
      i += 2;
    } else if (c === '"') {
      return i + 1;
    } else if ((c === '$' || c === '%') && src[i + 1] === '{') {
      i = skipBalanced(src, i + 1);
    } else {
      i += 1;
    }
  }
  throw new Error(`unterminated string starting at offset ${start}`);
}

/**
 * Returns the index after a heredoc (`<<EOT` or `<<-EOT`) starting at `start`.
 * @param src HCL source
 * @param start index of the first `<`
 * @returns index after the closing marker line
 */
function skipHeredoc(src: string, start: number): number {
  const match = /^<<-?([A-Za-z_][A-Za-z0-9_]*)\r?\n/.exec(src.slice(start));
  if (!match) return start + 2;
  const marker = match[1];
  const closing = new RegExp(`^[ \\t]*${marker}[ \\t]*$`, 'm');
  const bodyStart = start + match[0].length;
  const end = closing.exec(src.slice(bodyStart));
  if (!end) throw new Error(`unterminated heredoc ${marker}`);
  return bodyStart + end.index + end[0].length;
}

/**
 * Returns the index after a comment starting at `i`, or `i` when there is none.
 * @param src HCL source
 * @param i current index
 * @returns index after the comment
 */
function skipComment(src: string, i: number): number {
  if (src[i] === '#' || (src[i] === '/' && src[i + 1] === '/')) {
    const nl = src.indexOf('\n', i);
    return nl === -1 ? src.length : nl;
  }
  if (src[i] === '/' && src[i + 1] === '*') {
    const end = src.indexOf('*/', i + 2);
    if (end === -1) throw new Error('unterminated block comment');
    return end + 2;
  }
  return i;
}

/**
 * Returns the index after the bracket that closes the one at `open` (`{`, `[` or `(`).
 * @param src HCL source
 * @param open index of the opening bracket
 * @returns index after the matching closing bracket
 */
function skipBalanced(src: string, open: number): number {
  let depth = 0;
  let i = open;
  while (i < src.length) {
    const afterComment = skipComment(src, i);
    if (afterComment !== i) {
      i = afterComment;
      continue;
    }
    const c = src[i];
    if (c === '"') {
      i = skipString(src, i);
      continue;
    }
    if (c === '<' && src[i + 1] === '<') {
      i = skipHeredoc(src, i);
      continue;
    }
    if (c === '{' || c === '[' || c === '(') depth += 1;
    if (c === '}' || c === ']' || c === ')') {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
    i += 1;
  }
  throw new Error(`unbalanced bracket at offset ${open}`);
}

/**
 * Returns the end of an attribute expression starting at `start`: the first newline outside
 * brackets, strings and heredocs.
 * @param src block body
 * @param start index of the expression's first character
 * @returns index of the terminating newline (or end of input)
 */
function expressionEnd(src: string, start: number): number {
  let i = start;
  while (i < src.length) {
    const c = src[i];
    if (c === '\n') return i;
    if (c === '#' || (c === '/' && (src[i + 1] === '/' || src[i + 1] === '*'))) {
      if (c === '/' && src[i + 1] === '*') {
        i = skipComment(src, i);
        continue;
      }
      return i;
    }
    if (c === '"') i = skipString(src, i);
    else if (c === '<' && src[i + 1] === '<') i = skipHeredoc(src, i);
    else if (c === '{' || c === '[' || c === '(') i = skipBalanced(src, i);
    else i += 1;
  }
  return i;
}

/**
 * Reads the attributes written directly in a block body (nested blocks are skipped).
 * @param body text between the block's braces
 * @returns attribute name to raw expression
 */
function readAttributes(body: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  let i = 0;
  while (i < body.length) {
    const afterComment = skipComment(body, i);
    if (afterComment !== i) {
      i = afterComment;
      continue;
    }
    if (/\s/.test(body[i] ?? '')) {
      i += 1;
      continue;
    }
    const head = /^([A-Za-z_][A-Za-z0-9_-]*)\s*(=|\{|"|[A-Za-z_])/.exec(body.slice(i));
    if (!head) throw new Error(`cannot read block body near: ${body.slice(i, i + 40)}`);
    const name = head[1] as string;
    if (head[2] === '=') {
      const exprStart = i + head[0].length;
      const end = expressionEnd(body, exprStart);
      attributes[name] = body.slice(exprStart, end).trim();
      i = end;
    } else {
      // A nested block such as `validation { ... }` or `dynamic "x" { ... }`.
      const brace = body.indexOf('{', i);
      i = skipBalanced(body, brace);
    }
  }
  return attributes;
}

/**
 * Parses the top-level labelled blocks of an HCL file.
 * @param src file contents
 * @returns the blocks in file order
 */
export function parseHclBlocks(src: string): HclBlock[] {
  const blocks: HclBlock[] = [];
  let i = 0;
  while (i < src.length) {
    const afterComment = skipComment(src, i);
    if (afterComment !== i) {
      i = afterComment;
      continue;
    }
    if (/\s/.test(src[i] ?? '')) {
      i += 1;
      continue;
    }
    const head = /^([A-Za-z_][A-Za-z0-9_-]*)((?:\s+"[^"]*")*)\s*\{/.exec(src.slice(i));
    if (!head) {
      // A top-level attribute (rare): skip its expression.
      i = expressionEnd(src, i) + 1;
      continue;
    }
    const open = i + head[0].length - 1;
    const close = skipBalanced(src, open);
    const labels = [...(head[2] ?? '').matchAll(/"([^"]*)"/g)].map((m) => m[1] as string);
    blocks.push({
      type: head[1] as string,
      name: labels[0] ?? '',
      attributes: readAttributes(src.slice(open + 1, close - 1)),
    });
    i = close;
  }
  return blocks;
}

/**
 * Decodes a quoted HCL string literal (without templates) to its text.
 * @param raw the raw expression, e.g. `"a \"b\""`
 * @returns the decoded text, or the raw text when it is not a plain string literal
 */
export function decodeHclString(raw: string): string {
  if (!/^"(?:[^"\\]|\\.)*"$/s.test(raw)) return raw;
  try {
    return JSON.parse(raw) as string;
  } catch {
    return raw.slice(1, -1);
  }
}
