// MOCK integrations read from a deployed API: request template -> status code -> integration response, with a small VTL subset.
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

/** One integration response of a MOCK integration. */
export interface MockResponseSpec {
  statusCode: number;
  /** Regex matched against the status code the request template produced; absent for the default response. */
  selectionPattern?: string;
  /** Static response headers (`method.response.header.X = 'value'`). */
  headers: Record<string, string>;
  /** The `application/json` response template (or the only one); absent: empty body. */
  template?: string;
  /** Content type of the template. */
  contentType: string;
}

/** A MOCK integration, validated at start. */
export interface MockSpec {
  /** Request templates by content type; the chosen one must render `{"statusCode": N}`. */
  requestTemplates: Record<string, string>;
  responses: MockResponseSpec[];
}

/** What a template may reference; anything else is refused at start, so output is never silently wrong. */
const REFERENCE =
  /\$(!?)(\{)?(context|stageVariables|input)((?:\.(?!params\()[A-Za-z_][A-Za-z0-9_]*)*)(\.params\('([^']*)'\))?(\})?/g;
const ANY_REFERENCE = /\$!?\{?([A-Za-z_][A-Za-z0-9_]*)/g;
const DIRECTIVE =
  /#(?:set|if|elseif|else|end|foreach|macro|parse|include|evaluate|define|break|stop)\b|##|#\*/;

/**
 * Checks that a mapping template uses only the supported VTL subset: `$context.*`,
 * `$stageVariables.*` and `$input.params('name')`, in `$x`, `$!x`, `${x}` forms, without directives.
 * @param template template text
 * @returns undefined when supported, else the unsupported fragment
 */
export function unsupportedTemplateFeature(template: string): string | undefined {
  const directive = DIRECTIVE.exec(template);
  if (directive) return `VTL directive ${directive[0]}`;
  const supported = new Set<number>();
  for (const match of template.matchAll(REFERENCE)) {
    const [, , open, root, chain, params, , close] = match;
    if (open && !close) return `malformed reference ${match[0]}`;
    if (root === 'input' && (!params || chain)) return `$input${chain ?? ''}${params ?? ''}`;
    if (root !== 'input' && (params || !chain)) return `$${root}${chain ?? ''}${params ?? ''}`;
    supported.add(match.index);
  }
  for (const match of template.matchAll(ANY_REFERENCE)) {
    if (!supported.has(match.index)) return `$${match[1]}`;
  }
  return undefined;
}

function lookup(root: unknown, chain: string[]): unknown {
  let value = root;
  for (const key of chain) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function inputParam(event: APIGatewayProxyEvent, name: string): string | undefined {
  // API Gateway's order: path, then query string, then header (case-insensitive).
  const header = Object.entries(event.headers ?? {}).find(
    ([k]) => k.toLowerCase() === name.toLowerCase(),
  )?.[1];
  return event.pathParameters?.[name] ?? event.queryStringParameters?.[name] ?? header;
}

/**
 * Renders a template (already checked by {@link unsupportedTemplateFeature}) for one request.
 * Unknown variables render as empty strings, as API Gateway renders them.
 * @param template template text
 * @param event the request as a proxy event (its requestContext holds `$context`)
 * @returns the rendered text
 */
export function renderTemplate(template: string, event: APIGatewayProxyEvent): string {
  return template.replace(REFERENCE, (...groups: unknown[]) => {
    const [, , open, root, chain, , param, close] = groups as (string | undefined)[];
    // Without `{`, a following `}` is template text (e.g. the end of a JSON object), not ours.
    const rest = close && !open ? close : '';
    let value: unknown;
    if (root === 'input') value = inputParam(event, param ?? '');
    else {
      const keys = (chain ?? '').split('.').filter(Boolean);
      value = lookup(root === 'context' ? event.requestContext : event.stageVariables, keys);
    }
    const text =
      value === undefined || value === null || typeof value === 'object' ? '' : String(value);
    return text + rest;
  });
}

function requestTemplateFor(spec: MockSpec, event: APIGatewayProxyEvent): string | undefined {
  const contentType = Object.entries(event.headers ?? {})
    .find(([k]) => k.toLowerCase() === 'content-type')?.[1]
    ?.split(';')[0]
    ?.trim()
    .toLowerCase();
  return (
    (contentType ? spec.requestTemplates[contentType] : undefined) ??
    spec.requestTemplates['application/json']
  );
}

/**
 * Answers one request the way a MOCK integration does: the request template yields
 * `{"statusCode": N}`, N selects the integration response (by selection pattern, else the default
 * one), whose template and static headers make the response.
 * @param spec the MOCK integration
 * @param event the request as a proxy event
 * @returns the response
 * @throws Error when no integration response matches (API Gateway answers 500)
 */
export function answerMock(spec: MockSpec, event: APIGatewayProxyEvent): APIGatewayProxyResult {
  const requestTemplate = requestTemplateFor(spec, event);
  let selected = '200';
  if (requestTemplate !== undefined) {
    const rendered = renderTemplate(requestTemplate, event);
    let parsed: unknown;
    try {
      parsed = JSON.parse(rendered);
    } catch {
      throw new Error('the MOCK request template did not render JSON');
    }
    const status = (parsed as { statusCode?: unknown } | null)?.statusCode;
    if (status !== undefined) selected = String(status);
  }
  const response =
    spec.responses.find(
      (r) => r.selectionPattern && new RegExp(`^(?:${r.selectionPattern})$`, 's').test(selected),
    ) ?? spec.responses.find((r) => !r.selectionPattern);
  if (!response) throw new Error(`no integration response matches status ${selected}`);
  return {
    statusCode: response.statusCode,
    headers: { 'Content-Type': response.contentType, ...response.headers },
    body: response.template === undefined ? '' : renderTemplate(response.template, event),
  };
}
