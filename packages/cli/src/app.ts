import type { Db } from "@hrdkit/billing";
import { HrdClient, type HrdClientOptions } from "@hrdkit/sdk";
import type { Command } from "commander";
import { databaseSettings, hrdCredentials, loadSettings } from "./config.js";
import type { ExitCode } from "./exit-codes.js";
import type { GlobalOptions, Io } from "./io.js";
import { Output } from "./output.js";

/**
 * What a command gets: the streams, settings, and HRD client and database opened on first use
 * and closed when the command ends (so a command that needs neither never logs in).
 */
export class App {
  /** Set by a command that finished but wants a status other than 0 (e.g. EXIT.partial). */
  exitCode: ExitCode | undefined;
  private cachedSettings: Record<string, string | undefined> | undefined;
  private readonly closers: (() => Promise<void>)[] = [];

  constructor(readonly io: Io) {}

  /** Environment over `.env` over `~/.config/hrdkit/.env`. */
  settings(): Record<string, string | undefined> {
    this.cachedSettings ??= loadSettings(this.io.env, this.io.cwd);
    return this.cachedSettings;
  }

  /** The global options (--profile, --json, --quiet) as seen from any subcommand. */
  globals(cmd: Command): GlobalOptions {
    return cmd.optsWithGlobals<GlobalOptions>();
  }

  output(cmd: Command): Output {
    return new Output(this.io, this.globals(cmd));
  }

  /** An HRD client for the command's profile; `extra` sets pool size, rate limit, timeouts. */
  hrd(cmd: Command, extra: Partial<HrdClientOptions> = {}): HrdClient {
    const client = new HrdClient({ ...hrdCredentials(this.settings(), this.globals(cmd).profile), ...extra });
    this.closers.push(() => client.close());
    return client;
  }

  /** The billing database: DATABASE_URL, or the bridge's PGlite folder (HRDKIT_DATA_DIR). */
  async db(): Promise<Db> {
    // Loaded here, not at the top: billing (PGlite, pdfmake) costs startup time that commands
    // talking only to HRD should not pay.
    const { openDb } = await import("@hrdkit/billing");
    const db = await openDb(databaseSettings(this.settings()));
    this.closers.push(() => db.close());
    return db;
  }

  /** Runs `fn` when the command ends, last registered first. */
  onClose(fn: () => Promise<void>): void {
    this.closers.push(fn);
  }

  async close(): Promise<void> {
    for (const fn of this.closers.splice(0).reverse()) {
      try {
        await fn();
      } catch {
        // Closing is best effort: the result was already printed.
      }
    }
  }
}
