/**
 * Errors of the client admin store, shared by the DynamoDB and file adapters and the operator commands.
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

/** The client id is already taken. */
export class ClientExistsError extends ClientStoreError {
  constructor(clientId: string, options?: { cause?: unknown }) {
    super('CLIENT_EXISTS', `client ${clientId} already exists`, options);
  }
}

/** No client has this id. */
export class ClientNotFoundError extends ClientStoreError {
  constructor(clientId: string, options?: { cause?: unknown }) {
    super('CLIENT_NOT_FOUND', `no client with id ${clientId}`, options);
  }
}

/** Someone else changed the client since it was read. */
export class ConcurrentModificationError extends ClientStoreError {
  constructor(clientId: string, options?: { cause?: unknown }) {
    super(
      'CONCURRENT_MODIFICATION',
      `client ${clientId} was changed by someone else since it was read; retry the command`,
      options,
    );
  }
}

/** The DynamoDB table does not exist (in this region). */
export class TableNotFoundError extends ClientStoreError {
  constructor(table: string, region: string, options?: { cause?: unknown }) {
    super('TABLE_NOT_FOUND', `DynamoDB table ${table} does not exist in region ${region}`, options);
  }
}
