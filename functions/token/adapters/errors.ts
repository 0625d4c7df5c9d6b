/**
 * Errors of the client stores: the base class, and the table-not-found error of the read side.
 * The write side's errors are in tools/dev-adapters/errors.ts.
 * @module
 */

/** Codes of client store errors. */
export type ClientStoreErrorCode =
  'CLIENT_EXISTS' | 'CLIENT_NOT_FOUND' | 'CONCURRENT_MODIFICATION' | 'TABLE_NOT_FOUND';

/** Base class of client store errors. */
export class ClientStoreError extends Error {
  readonly code: ClientStoreErrorCode;

  constructor(code: ClientStoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The DynamoDB table does not exist (in this region). */
export class TableNotFoundError extends ClientStoreError {
  constructor(table: string, region: string, options?: { cause?: unknown }) {
    super('TABLE_NOT_FOUND', `DynamoDB table ${table} does not exist in region ${region}`, options);
  }
}
