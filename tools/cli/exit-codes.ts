// The process exit codes of every command-line entry point (build, clients, create-client, npm start, tf-docs).

/**
 * Process exit codes, the same for every entry point.
 * - `OK` 0: done.
 * - `FAILURE` 1: it did not work: an unexpected failure (AWS credentials, network, I/O), a
 *   deployed API that cannot be served as deployed, a stale README under `tf-docs --check`.
 *   The client commands have written nothing they know of.
 * - `USAGE` 2: bad flags or arguments (the message names the flag), a port in use, an unknown
 *   client id, a missing table or local data directory, a `delete` not confirmed; nothing was
 *   written.
 * - `CONFLICT` 3 (client commands): someone else changed the client at the same time; nothing
 *   was written, run the command again.
 * - `INCOMPLETE` 4 (client commands of a multi-Region deployment: `revoke-token`, `revoke-tokens`,
 *   `disable`, `enable`): the client record was written, but the revocation items could not be
 *   written to every Region; the report names each Region. Run the command again (it is
 *   idempotent) once the Region answers.
 */
export const EXIT = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  CONFLICT: 3,
  INCOMPLETE: 4,
} as const;

/** An exit code of the entry points. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
