import type { Readable, Writable } from "node:stream";

/** The process's streams and environment, injected so commands run the same in tests. */
export interface Io {
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean; columns?: number };
  stdin: Readable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborted on SIGINT/SIGTERM: long commands stop between items and leave their journal whole. */
  signal: AbortSignal;
}

/** Options every command accepts (declared once on the program). */
export interface GlobalOptions {
  profile?: string;
  /** One JSON object per line on stdout (results) and stderr (progress, warnings). */
  json?: boolean;
  /** No progress and no notes on stderr; results and errors only. */
  quiet?: boolean;
}
