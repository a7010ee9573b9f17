import { getOperation, type InputOf, type OperationName } from "@hrdkit/sdk";
import { CliError, EXIT } from "../exit-codes.js";

/**
 * Collects every problem with a command's input, so one error names all of them (a user fixing
 * one flag at a time, rerun after rerun, is what this avoids). Nothing is sent while any is open.
 */
export class InputIssues {
  private readonly list: string[] = [];

  add(field: string, message: string): void {
    this.list.push(`${field}: ${message}`);
  }

  get count(): number {
    return this.list.length;
  }

  /** An integer option in [min, max]; undefined stays undefined. */
  int(field: string, value: string | undefined, min: number, max: number): number | undefined {
    if (value === undefined) return undefined;
    const n = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      this.add(field, `must be a whole number from ${min} to ${max} (got "${value}")`);
      return undefined;
    }
    return n;
  }

  /**
   * Checks `input` against an SDK operation's own schema, without a client (so bad input is
   * reported even before credentials are looked at). `labels` maps the SDK's field paths to the
   * flags the user typed (`user` → `--user`); values are never echoed here, so a secret stays out.
   */
  operation<N extends OperationName>(name: N, input: InputOf<N>, labels: Record<string, string> = {}): void {
    const op = getOperation(name);
    if (!op) throw new TypeError(`unknown operation ${name}`);
    const r = op.input.safeParse(input);
    if (r.success) return;
    for (const issue of r.error.issues) {
      const path = issue.path.map(String);
      const head = path[0] ?? "";
      const label = labels[head] ?? (head || "(input)");
      const rest = path.slice(1).map((p) => (/^\d+$/.test(p) ? `#${Number(p) + 1}` : p));
      this.add([label, ...rest].join(" "), issue.message);
    }
  }

  /** Throws a usage error (exit 2) listing every issue, if there is any. */
  throwIfAny(what: string, after = "nothing was sent"): void {
    if (this.list.length === 0) return;
    const n = this.list.length;
    throw new CliError(
      `${what}: ${n} ${n === 1 ? "problem" : "problems"}${after ? `, ${after}` : ""}\n${this.list.map((l) => `  ${l}`).join("\n")}`,
      EXIT.usage,
    );
  }
}
