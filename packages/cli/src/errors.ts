import { HrdError } from "@hrdkit/sdk";
import { CliError, EXIT, type ExitCode } from "./exit-codes.js";

/**
 * The exit status and the one-paragraph message for any error a command let through. SDK errors
 * carry no secrets (the SDK redacts by key); billing errors name fields, never values of secrets.
 */
export function describeError(err: unknown): { exitCode: ExitCode; message: string } {
  if (err instanceof CliError) return { exitCode: err.exitCode, message: err.message };
  if (err instanceof HrdError) {
    // The SDK's messages already list every bad field and never carry a secret.
    return { exitCode: exitCodeOfHrd(err), message: err.message };
  }
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "ETIMEDOUT") {
      return { exitCode: EXIT.unreachable, message: err.message };
    }
    const fields = (err as { issues?: { path: string | (string | number)[]; message: string }[] }).issues;
    if (Array.isArray(fields) && fields.length) {
      const lines = fields.map((i) => `  ${Array.isArray(i.path) ? i.path.join(".") : i.path}: ${i.message}`);
      return { exitCode: EXIT.usage, message: `${err.message}\n${lines.join("\n")}` };
    }
    return { exitCode: EXIT.partial, message: err.message };
  }
  return { exitCode: EXIT.partial, message: String(err) };
}

function exitCodeOfHrd(err: HrdError): ExitCode {
  switch (err.code) {
    case "invalid_input":
      return EXIT.usage;
    case "config":
    case "credentials_rejected":
      return EXIT.config;
    case "outcome_unknown":
      return EXIT.unknown;
    case "aborted":
      return EXIT.interrupted;
    default:
      if (err.outcome === "rejected") return EXIT.refused;
      if (err.outcome === "unknown") return EXIT.unknown;
      return EXIT.unreachable;
  }
}
