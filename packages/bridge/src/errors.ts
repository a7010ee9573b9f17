/**
 * The one error shape every route answers with, and that each PHP module maps onto its panel's
 * own convention (`['error' => message]` in WHMCS, `addError()` in HostBill):
 * `{ "error": { "code": "...", "message": "...", "retryable": false, "issues"?: [...] } }`.
 */
export interface ErrorBody {
  error: {
    code: string;
    message: string;
    /** True when the same request may simply be sent again later. */
    retryable: boolean;
    /** Validation errors: every bad field. */
    issues?: { path: string; message: string }[];
  };
}

export class BridgeError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryable = false,
    readonly issues?: { path: string; message: string }[],
  ) {
    super(message);
    this.name = "BridgeError";
  }

  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        retryable: this.retryable,
        ...(this.issues ? { issues: this.issues } : {}),
      },
    };
  }
}
