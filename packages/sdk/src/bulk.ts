import type { CallOptions, HrdClient } from "./client.js";
import { HrdValidationError } from "./errors.js";
import type { OutputOf } from "./ops/define.js";
import { domainName } from "./ops/fields.js";
import type { Operations } from "./ops/index.js";

export type CheckResult = OutputOf<Operations["domain/check"]>[number];

export interface CheckManyOptions extends CallOptions {
  /** Names per `domain/check` call, 1–100 (HRD's limit). Default 100. */
  batchSize?: number;
  /** Calls in flight at once. Default: the client's pool size. */
  concurrency?: number;
  /** Called after each batch with the names answered so far and the total. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Checks any number of names: validates all of them first (naming every bad one, nothing sent),
 * drops duplicates, splits them into calls of up to 100 names and runs them through the pool.
 * Results come back in the order of the input (one per distinct name).
 */
export async function checkMany(
  client: HrdClient,
  names: readonly string[],
  options: CheckManyOptions = {},
): Promise<CheckResult[]> {
  const batchSize = options.batchSize ?? 100;
  const concurrency = options.concurrency ?? client.poolSize;
  const issues: { path: string; message: string }[] = [];
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100) {
    issues.push({ path: "batchSize", message: "must be an integer from 1 to 100" });
  }
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    issues.push({ path: "concurrency", message: "must be a positive integer" });
  }
  const ascii: string[] = [];
  const seen = new Set<string>();
  names.forEach((name, i) => {
    const r = domainName.safeParse(name);
    if (!r.success) issues.push({ path: `names.${i}`, message: r.error.issues[0]?.message ?? "invalid" });
    else if (!seen.has(r.data)) {
      seen.add(r.data);
      ascii.push(r.data);
    }
  });
  if (issues.length) throw new HrdValidationError("checkMany", issues);

  const batches: string[][] = [];
  for (let i = 0; i < ascii.length; i += batchSize) batches.push(ascii.slice(i, i + batchSize));
  const results: CheckResult[][] = new Array(batches.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < batches.length) {
      const i = next++;
      results[i] = await client.call("domain/check", { names: batches[i]! }, options);
      done += batches[i]!.length;
      options.onProgress?.(done, ascii.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
  return results.flat();
}
