// Renders terraform-docs style Inputs/Outputs markdown tables from parsed variable and output blocks.
import { decodeHclString, type HclBlock } from './hcl-blocks';

/** Marker lines that delimit the generated section of a README. */
export const BEGIN_MARKER = '<!-- BEGIN_TF_DOCS -->';
/** Closing marker of the generated section. */
export const END_MARKER = '<!-- END_TF_DOCS -->';

/**
 * Collapses an HCL expression onto one line for a table cell.
 * @param raw raw HCL expression
 * @returns single-line text
 */
function oneLine(raw: string): string {
  return raw
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .join(' ')
    .replace(/([[{(]) /g, '$1')
    .replace(/ ([\]})])/g, '$1');
}

/**
 * Escapes text for a markdown table cell.
 * @param text cell text
 * @returns escaped text
 */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/**
 * Escapes prose (descriptions) so `<placeholders>` are shown, not parsed as HTML.
 * @param text description text
 * @returns escaped text
 */
function prose(text: string): string {
  return cell(text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
}

/**
 * Wraps text in a code span that survives backticks inside it.
 * @param text code text
 * @returns markdown code span
 */
function code(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/**
 * Renders the Inputs and Outputs tables (sorted by name), as terraform-docs' markdown table does.
 * @param variables parsed `variable` blocks
 * @param outputs parsed `output` blocks
 * @returns markdown, without markers
 */
export function renderTables(variables: HclBlock[], outputs: HclBlock[]): string {
  const byName = (a: HclBlock, b: HclBlock): number => a.name.localeCompare(b.name);
  const lines: string[] = ['## Inputs', ''];
  lines.push('| Name | Description | Type | Default | Required |');
  lines.push('|------|-------------|------|---------|:--------:|');
  for (const v of [...variables].sort(byName)) {
    const description = decodeHclString(v.attributes.description ?? '""');
    const type = v.attributes.type ? code(oneLine(v.attributes.type)) : code('any');
    const hasDefault = v.attributes.default !== undefined;
    const defaultValue = hasDefault ? code(oneLine(v.attributes.default as string)) : 'n/a';
    lines.push(
      `| <a name="input_${v.name}"></a> [${v.name}](#input_${v.name}) | ${prose(description)} | ${cell(type)} | ${cell(defaultValue)} | ${hasDefault ? 'no' : 'yes'} |`,
    );
  }
  lines.push('', '## Outputs', '');
  lines.push('| Name | Description |');
  lines.push('|------|-------------|');
  for (const o of [...outputs].sort(byName)) {
    const description = decodeHclString(o.attributes.description ?? '""');
    lines.push(
      `| <a name="output_${o.name}"></a> [${o.name}](#output_${o.name}) | ${prose(description)} |`,
    );
  }
  return lines.join('\n');
}

/**
 * Replaces the text between the markers of a README with the given tables.
 * @param readme README contents
 * @param tables rendered tables
 * @param markers the opening and closing marker lines (default: the Terraform tables')
 * @returns the updated README
 * @throws Error when the markers are missing or out of order
 */
export function replaceBetweenMarkers(
  readme: string,
  tables: string,
  markers: { begin: string; end: string } = { begin: BEGIN_MARKER, end: END_MARKER },
): string {
  const begin = readme.indexOf(markers.begin);
  const end = readme.indexOf(markers.end);
  if (begin === -1 || end === -1 || end < begin) {
    throw new Error(`README must contain ${markers.begin} followed by ${markers.end}`);
  }
  return `${readme.slice(0, begin + markers.begin.length)}\n${tables}\n${readme.slice(end)}`;
}
