import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Readable } from "node:stream";
import { CliError, EXIT } from "../exit-codes.js";

/** All of a stream as text (stdin piped into a command). */
export async function readStream(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * A file's text (a relative path is read from `cwd`, the command's working folder), or a
 * config-class error naming the file (unreadable input is not bad usage).
 */
export async function readTextFile(path: string, what: string, cwd: string): Promise<string> {
  try {
    return await readFile(resolve(cwd, path), "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : String(err);
    throw new CliError(`cannot read ${what} ${path}: ${why}`, EXIT.config);
  }
}
