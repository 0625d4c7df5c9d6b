// Errors of the client admin store's writes, shared by the DynamoDB and file stores and the CLI.
import { ClientStoreError } from '../../functions/token/adapters/errors';

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
