// Renders the Lambda environment table of docs/deploy.md from LAMBDA_ENV_VARIABLES (lambda-env.ts), between its markers.
import { LAMBDA_ENV_VARIABLES, type EnvSource, type LambdaEnvVariable } from './lambda-env';

/** Marker line that opens the generated variables table in a document. */
export const LAMBDA_ENV_BEGIN_MARKER = '<!-- BEGIN_LAMBDA_ENV -->';
/** Closing marker of the generated variables table. */
export const LAMBDA_ENV_END_MARKER = '<!-- END_LAMBDA_ENV -->';

/**
 * Renders the markdown table of {@link LAMBDA_ENV_VARIABLES}.
 * @param variables the variables (default: all of them)
 * @returns the table, without markers
 */
export function renderLambdaEnvTable(
  variables: readonly LambdaEnvVariable[] = LAMBDA_ENV_VARIABLES,
): string {
  const setBy = (source: EnvSource): string =>
    source === 'lambda'
      ? 'the Lambda runtime'
      : source === 'tests'
        ? 'nobody in AWS; tests and emulators'
        : source === 'manual'
          ? 'not the module: the local server, tests, a deployment without Terraform'
          : `Terraform, from ${source.terraform}`;
  const lines = ['| Variable | Function | Set by | Meaning |', '| --- | --- | --- | --- |'];
  for (const v of variables) {
    const cells = [`\`${v.name}\``, v.functions.join(', '), setBy(v.source), v.meaning];
    lines.push(`| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`);
  }
  return lines.join('\n');
}
