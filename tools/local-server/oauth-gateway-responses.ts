// The protected API's 401/403 gateway responses, read from the file the Terraform authorizer module deploys (modules/authorizer/gateway-responses.json).
import path from 'node:path';
import { DPOP_ALGORITHMS } from '../../functions/shared/dpop-proof';
import definition from '../../modules/authorizer/gateway-responses.json';
import { DEFAULT_GATEWAY_RESPONSES, validateGatewayResponse } from '../gateway/gateway-responses';
import type { ApiDefinition, GatewayResponse, GatewayResponseType } from '../gateway/types';

/** The one definition, relative to the repository root (for messages). */
export const GATEWAY_RESPONSES_FILE = path.join('modules', 'authorizer', 'gateway-responses.json');

/** API Gateway's `statusCode` pattern (GatewayResponse, API Gateway REST API Reference). */
const STATUS_CODE = /^[1-5]\d\d$/;

function stringMap(value: unknown, where: string): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${where} must be an object of strings`);
  }
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') throw new Error(`${where}.${key} must be a string`);
  }
  return { ...(value as Record<string, string>) };
}

/**
 * Turns the Terraform-shaped definition (`aws_api_gateway_gateway_response` argument names, by
 * response type) into the emulator's gateway responses, checking every field, so what the
 * emulator serves is exactly what `terraform apply` sets on the API.
 * @param raw the parsed file: `{ TYPE: { status_code, response_parameters, response_templates } }`
 * @param source name of the file, for messages
 * @returns the gateway responses by type
 * @throws Error naming the file and the field when the definition is malformed or uses what the
 *   emulator cannot reproduce (see validateGatewayResponse)
 */
export function gatewayResponsesFromDefinition(
  raw: unknown,
  source = GATEWAY_RESPONSES_FILE,
): NonNullable<ApiDefinition['gatewayResponses']> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new Error(`${source} must be a JSON object keyed by gateway response type`);
  }
  const responses: NonNullable<ApiDefinition['gatewayResponses']> = {};
  for (const [type, entry] of Object.entries(raw)) {
    const where = `${source}: ${type}`;
    if (!(type in DEFAULT_GATEWAY_RESPONSES)) {
      throw new Error(`${where} is not a gateway response type the emulator produces`);
    }
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new Error(`${where} must be an object`);
    }
    const fields = entry as Record<string, unknown>;
    const unknown = Object.keys(fields).filter(
      (k) => !['status_code', 'response_parameters', 'response_templates'].includes(k),
    );
    if (unknown.length) throw new Error(`${where} has unknown fields: ${unknown.join(', ')}`);
    const statusCode = fields.status_code;
    if (typeof statusCode !== 'string' || !STATUS_CODE.test(statusCode)) {
      throw new Error(`${where}.status_code must be an HTTP status code as a string, e.g. "401"`);
    }
    const response: GatewayResponse = {
      statusCode: Number(statusCode),
      responseParameters: stringMap(fields.response_parameters, `${where}.response_parameters`),
      responseTemplates: stringMap(fields.response_templates, `${where}.response_templates`),
    };
    validateGatewayResponse(type, response);
    responses[type as GatewayResponseType] = response;
  }
  return responses;
}

/**
 * Gateway responses of the protected API: RFC 6750 §3 Bearer challenges with JSON bodies and
 * `Cache-Control: no-store`, from the same file Terraform deploys.
 */
export const OAUTH_GATEWAY_RESPONSES = gatewayResponsesFromDefinition(definition);

/**
 * The static DPoP challenge of every 401 of an API with DPoP routes (RFC 9449 §7.1): the `algs`
 * the authorizer's proof verifier accepts, from their one definition
 * (functions/shared/dpop-algorithms.json), which modules/authorizer reads too. The local
 * authorizer accepts all of them (no DPOP_ALGORITHMS), as the module does by default; a deployment
 * that narrows them (`dpop_algorithms`, FAPI 2.0) gets the narrower list in both places, and
 * `--from-api` serves the deployed gateway responses and environment as they are.
 */
export const DPOP_CHALLENGE = `DPoP algs="${DPOP_ALGORITHMS.join(' ')}"`;

const WWW_AUTHENTICATE = 'gatewayresponse.header.WWW-Authenticate';

/**
 * The gateway responses an API gets from modules/authorizer: {@link OAUTH_GATEWAY_RESPONSES}, and
 * with a DPoP route the UNAUTHORIZED challenge followed by {@link DPOP_CHALLENGE} in the same
 * header (RFC 9110 §11.6.1 allows several challenges in one field). Gateway responses are per
 * REST API and response type, not per route, so the rule is the module's: any dpop route adds the
 * challenge to every 401 (modules/authorizer/main.tf, local.gateway_responses).
 * @param options dpop: whether the API has a route whose sender constraint is dpop
 * @returns the gateway responses by type
 */
export function oauthGatewayResponses(options: {
  dpop: boolean;
}): NonNullable<ApiDefinition['gatewayResponses']> {
  if (!options.dpop) return OAUTH_GATEWAY_RESPONSES;
  const unauthorized = OAUTH_GATEWAY_RESPONSES.UNAUTHORIZED as GatewayResponse;
  const bearer = (unauthorized.responseParameters?.[WWW_AUTHENTICATE] ?? '').slice(1, -1);
  return {
    ...OAUTH_GATEWAY_RESPONSES,
    UNAUTHORIZED: {
      ...unauthorized,
      responseParameters: {
        ...unauthorized.responseParameters,
        [WWW_AUTHENTICATE]: `'${bearer}, ${DPOP_CHALLENGE}'`,
      },
    },
  };
}
