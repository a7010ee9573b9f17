/**
 * What `hrdkit`'s exit status means, so a script can branch on it without parsing output.
 * Stable: scripts depend on these numbers (docs/cli.*.md lists them too).
 */
export const EXIT = {
  /** Everything asked for was done (or was already so). */
  ok: 0,
  /** The run finished, but some items failed (a bulk row HRD refused, a name not available to buy). */
  partial: 1,
  /** Bad usage or bad input: unknown option, malformed name, CSV rows refused with --strict. Nothing was sent. */
  usage: 2,
  /** Configuration: credentials missing or refused by HRD, an unknown --profile, an unreadable file. */
  config: 3,
  /** HRD refused the operation (taken domain, wrong auth code, too little balance). */
  refused: 4,
  /**
   * A billable call's outcome is unknown and could not be settled by reading state: look at the
   * domain in HRD's panel before trying again. Never retried blindly.
   */
  unknown: 5,
  /** HRD (or the database) could not be reached; nothing billable is in doubt. Safe to run again. */
  unreachable: 6,
  /** Interrupted by Ctrl-C or SIGTERM; a bulk run's journal lets the next run continue. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error that ends the command with a given status and a message meant for the user. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = "CliError";
  }
}
