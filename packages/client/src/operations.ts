/**
 * Finds the bridge operation a request is for (method + path), from the generated table: how the
 * client knows, for any request sent through it, whether the spec says it needs an
 * Idempotency-Key, and what its operationId is for errors.
 */
import { OPERATIONS, type OperationInfo } from "./operations.generated.js";

interface Compiled {
  info: OperationInfo;
  segments: string[];
  /** Static segments as "0", parameters as "1": the lowest sorts first, as the bridge's router prefers static parts. */
  rank: string;
}

const byMethod = new Map<string, Compiled[]>();
for (const info of OPERATIONS) {
  const segments = info.path.split("/").slice(1);
  const compiled = { info, segments, rank: segments.map((s) => (s.startsWith("{") ? "1" : "0")).join("") };
  const list = byMethod.get(info.method) ?? [];
  list.push(compiled);
  byMethod.set(info.method, list);
}
for (const list of byMethod.values()) list.sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0));

/** The operation for `method` on `path` (no query string, relative to the bridge's root), if any. */
export function findOperation(method: string, path: string): OperationInfo | undefined {
  const segments = path.split("/").slice(1);
  return byMethod
    .get(method.toLowerCase())
    ?.find(
      (c) =>
        c.segments.length === segments.length &&
        c.segments.every((s, i) => s === segments[i] || (s.startsWith("{") && segments[i] !== "")),
    )?.info;
}
