/**
 * One error tree for billing. Every error has a stable `code`; validation errors list every bad
 * field at once (the same shape as the SDK's), and nothing has been written when one is thrown.
 */
export interface FieldIssue {
  /** Dotted path of the bad field, e.g. `items.2.period`. */
  path: string;
  message: string;
}

export class BillingError extends Error {
  readonly code: string;
  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Input refused before anything was read or written. */
export class BillingValidationError extends BillingError {
  readonly issues: FieldIssue[];
  constructor(operation: string, issues: FieldIssue[]) {
    const list = issues.map((i) => `${i.path || "(input)"}: ${i.message}`).join("; ");
    super(
      `invalid input for ${operation} (${issues.length} ${issues.length === 1 ? "field" : "fields"}): ${list}`,
      "validation",
    );
    this.issues = issues;
  }
}

/** Something the call refers to does not exist (a service code, a price group, a customer…). */
export class BillingNotFoundError extends BillingError {
  constructor(what: string) {
    super(`${what} does not exist`, "not_found");
  }
}

/** The change contradicts the state (a duplicate name, a price below cost, a switched-off service…). */
export class BillingConflictError extends BillingError {
  constructor(message: string, code = "conflict") {
    super(message, code);
  }
}
