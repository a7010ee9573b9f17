import { HrdAbortError } from "../errors.js";
import type { HrdConnection } from "./connection.js";

/**
 * A small pool: up to `size` logged-in connections, each carrying one request at a time.
 * Connections are opened on demand; a broken one is dropped and a new one opened (and logged in)
 * the next time it is needed.
 */
export class ConnectionPool {
  private readonly idle: HrdConnection[] = [];
  private open = 0;
  private readonly waiters: { resolve: (c: HrdConnection | null) => void }[] = [];
  private closed = false;

  constructor(
    readonly size: number,
    private readonly connect: (signal?: AbortSignal) => Promise<HrdConnection>,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError("pool size must be a positive integer");
  }

  /** Connections currently open (idle or busy). */
  get openConnections(): number {
    return this.open;
  }

  use<T>(fn: (conn: HrdConnection) => Promise<T>, signal?: AbortSignal): Promise<T> {
    // An idle connection is taken at once: no extra promise in a call's path.
    const idle = this.closed ? undefined : this.takeIdle();
    if (idle) return this.run(idle, fn);
    return this.acquire(signal).then((conn) => this.run(conn, fn));
  }

  private run<T>(conn: HrdConnection, fn: (conn: HrdConnection) => Promise<T>): Promise<T> {
    let out: Promise<T>;
    try {
      out = fn(conn);
    } catch (err) {
      this.release(conn);
      return Promise.reject(err);
    }
    return out.then(
      (v) => {
        this.release(conn);
        return v;
      },
      (err: unknown) => {
        this.release(conn);
        throw err;
      },
    );
  }

  /** An idle connection that is still open, dropping the ones that closed meanwhile. */
  private takeIdle(): HrdConnection | undefined {
    for (;;) {
      const idle = this.idle.pop();
      if (!idle) return undefined;
      if (!idle.closed) return idle;
      this.open--;
    }
  }

  close(): void {
    this.closed = true;
    for (const c of this.idle.splice(0)) c.close();
    for (const w of this.waiters.splice(0)) w.resolve(null);
  }

  private async acquire(signal?: AbortSignal): Promise<HrdConnection> {
    if (this.closed) throw new Error("the client is closed");
    const idle = this.takeIdle();
    if (idle) return idle;
    if (this.open < this.size) {
      this.open++;
      try {
        return await this.connect(signal);
      } catch (err) {
        this.open--;
        this.wakeOne();
        throw err;
      }
    }
    const conn = await new Promise<HrdConnection | null>((resolve, reject) => {
      const waiter = { resolve };
      this.waiters.push(waiter);
      signal?.addEventListener(
        "abort",
        () => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(new HrdAbortError("acquire connection", "not_sent"));
        },
        { once: true },
      );
    });
    if (!conn) {
      if (this.closed) throw new Error("the client is closed");
      return this.acquire(signal);
    }
    return conn;
  }

  private release(conn: HrdConnection): void {
    if (conn.closed || this.closed) {
      this.open--;
      if (this.closed) conn.close();
      this.wakeOne();
      return;
    }
    const w = this.waiters.shift();
    if (w) w.resolve(conn);
    else this.idle.push(conn);
  }

  /** A slot freed up: let one waiter try to open a new connection. */
  private wakeOne(): void {
    this.waiters.shift()?.resolve(null);
  }
}
