// Client CPU per domain/check call of 100 names, step by step (no network): where the SDK's
// overhead over the raw frame client (scripts/bench/wire.mjs) goes. Microseconds per call.
import { apiDocument, operations, parseApiDocument, pick, requestBody } from "@hrdkit/sdk";

const op = operations["domain/check"];
const names = Array.from({ length: 100 }, (_, i) => `bench-${i}.pl`);
const reply = `<?xml version="1.0" encoding="utf-8"?>\n<api xmlns="http://api.hrd.pl/api/"><domain><check>${names
  .map((n) => `<name status="available">${n}</name>`)
  .join("")}</check></domain></api>\n`;

function time(fn, n = 2000) {
  for (let i = 0; i < 200; i++) fn();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn();
  return (((performance.now() - t0) / n) * 1000).toFixed(1);
}

export function benchHotPath() {
  const wire = op.input.parse({ names });
  const api = parseApiDocument(reply);
  return [
    { step: "validate input (100 names)", "µs/call": time(() => op.input.parse({ names })) },
    { step: "write request XML", "µs/call": time(() => apiDocument(requestBody(op.name, wire))) },
    { step: "parse reply XML", "µs/call": time(() => parseApiDocument(reply)) },
    { step: "validate reply", "µs/call": time(() => op.output.parse(pick(api, op.responsePath))) },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(benchHotPath());
