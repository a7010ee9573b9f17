/**
 * The SDK's error tree. Every error has a stable `code`, says whether repeating the call may help
 * (`retryable`) and what is known of the call's effect at HRD (`outcome`):
 * - `not_sent`: nothing reached HRD; the call had no effect.
 * - `rejected`: HRD answered with a refusal; the call had no effect.
 * - `unknown`: the request may or may not have been applied (a billable call must be reconciled).
 */
export type Outcome = "not_sent" | "rejected" | "unknown";

export interface HrdErrorOptions {
  code: string;
  retryable: boolean;
  outcome: Outcome;
  cause?: unknown;
  operation?: string;
}

export class HrdError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly outcome: Outcome;
  /** `module/method` of the call that failed, when there was one. */
  readonly operation?: string;

  constructor(message: string, options: HrdErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.retryable = options.retryable;
    this.outcome = options.outcome;
    this.operation = options.operation;
  }
}

export interface FieldIssue {
  /** Dotted path of the bad field, e.g. `ns.1.ipv4.0`. */
  path: string;
  message: string;
}

/** Input was refused before anything was sent. Lists every bad field at once. */
export class HrdValidationError extends HrdError {
  readonly issues: FieldIssue[];
  constructor(operation: string, issues: FieldIssue[]) {
    const list = issues.map((i) => `${i.path || "(input)"}: ${i.message}`).join("; ");
    super(
      `invalid input for ${operation} (${issues.length} ${issues.length === 1 ? "field" : "fields"}): ${list}`,
      {
        code: "invalid_input",
        retryable: false,
        outcome: "not_sent",
        operation,
      },
    );
    this.issues = issues;
  }
}

/** Configuration is missing or wrong (e.g. `fromEnv()` without HRD_LOGIN). */
export class HrdConfigError extends HrdError {
  readonly missing: string[];
  constructor(message: string, missing: string[] = []) {
    super(message, { code: "config", retryable: false, outcome: "not_sent" });
    this.missing = missing;
  }
}

/**
 * HRD refused the login. HRD does not say which part is wrong, and a wrong API key makes the
 * signature of the login frame wrong, so both look alike.
 */
export class HrdCredentialsError extends HrdError {
  /** HRD's own message, as received. */
  readonly hrdMessage?: string;
  constructor(login: string, hrdMessage?: string) {
    super(
      `HRD refused the login of "${login}": the API password or the API key does not match what was generated ` +
        `in HRD's purchase panel (Panel Zakupowy → Ustawienia → API). Generate a new API password and API key there ` +
        `and set them as HRD_PASSWORD and HRD_API_KEY` +
        (hrdMessage ? ` (HRD said: "${hrdMessage}")` : ""),
      { code: "credentials_rejected", retryable: false, outcome: "rejected", operation: "login" },
    );
    this.hrdMessage = hrdMessage;
  }
}

/** HRD answered the call with an error. Its raw message and numeric code are kept. */
export class HrdApiError extends HrdError {
  /** `<message>` text, as HRD sent it. */
  readonly hrdMessage?: string;
  /** `<error>` numeric code, when HRD sent one. */
  readonly hrdCode?: number;
  /** The reply XML with secrets redacted. */
  readonly rawXml: string;
  constructor(operation: string, rawXml: string, hrdMessage?: string, hrdCode?: number, code?: string) {
    const what =
      hrdMessage ?? (hrdCode !== undefined ? `error code ${hrdCode}` : "an error without a message");
    super(`HRD refused ${operation}: ${what}`, {
      code: code ?? (hrdCode !== undefined ? `hrd_error_${hrdCode}` : "hrd_error"),
      retryable: false,
      outcome: "rejected",
      operation,
    });
    this.hrdMessage = hrdMessage;
    this.hrdCode = hrdCode;
    this.rawXml = rawXml;
  }
}

/** Refused because the partner's balance does not cover the price (HRD's message is kept). */
export class HrdInsufficientBalanceError extends HrdApiError {
  constructor(operation: string, rawXml: string, hrdMessage?: string, hrdCode?: number) {
    super(operation, rawXml, hrdMessage, hrdCode, "insufficient_balance");
  }
}

/** The connection failed. `outcome` tells whether the request may have reached HRD. */
export class HrdConnectionError extends HrdError {
  constructor(message: string, outcome: Outcome, operation?: string, cause?: unknown) {
    super(message, { code: "connection", retryable: true, outcome, operation, cause });
  }
}

/** No reply within the call's timeout (the connection is dropped: a late reply cannot be matched). */
export class HrdTimeoutError extends HrdError {
  constructor(operation: string, timeoutMs: number, outcome: Outcome) {
    super(`no reply to ${operation} within ${timeoutMs} ms`, {
      code: "timeout",
      retryable: true,
      outcome,
      operation,
    });
  }
}

/** The caller aborted the call through its AbortSignal. */
export class HrdAbortError extends HrdError {
  constructor(operation: string, outcome: Outcome) {
    super(`${operation} was aborted`, { code: "aborted", retryable: false, outcome, operation });
  }
}

/** HRD's reply could not be understood (bad frame, bad XML, or not the shape the schema says). */
export class HrdProtocolError extends HrdError {
  readonly rawXml?: string;
  constructor(message: string, operation?: string, rawXml?: string, outcome: Outcome = "unknown") {
    super(message, { code: "protocol", retryable: true, outcome, operation });
    this.rawXml = rawXml;
  }
}

/**
 * A billable call (it spends the partner's balance) failed in a way that leaves its effect
 * unknown. It was NOT resent. Reconcile by reading state — see {@link HrdOutcomeUnknownError.reconcile}
 * and the SDK guide ("Errors and reconciliation").
 */
export class HrdOutcomeUnknownError extends HrdError {
  /** What identifies the purchase at HRD (e.g. `{ name: "example.pl" }`). */
  readonly subject: Record<string, string | number>;
  /** How to find out what happened. */
  readonly reconcile: string;
  constructor(
    operation: string,
    subject: Record<string, string | number>,
    reconcile: string,
    cause: unknown,
  ) {
    const what = Object.entries(subject)
      .map(([k, v]) => `${k}=${v}`)
      .join(", ");
    super(
      `${operation} (${what}) may or may not have been applied at HRD: the connection failed after the request ` +
        `was sent. It was not resent, to avoid paying twice. ${reconcile}`,
      { code: "outcome_unknown", retryable: false, outcome: "unknown", operation, cause },
    );
    this.subject = subject;
    this.reconcile = reconcile;
  }
}
