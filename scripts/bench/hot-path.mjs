// Client CPU per domain/check call of 100 names, step by step (no network): where the SDK's
// overhead over the raw frame client (scripts/bench/wire.mjs) goes. Microseconds per call.
// The plain reply is read by the check's shortcut (op.fastReply); the general parser and schema,
// which read every other reply, are timed below it for comparison.
import {
  apiDocument,
  encodeRequestFrame,
  operations,
  parseApiDocument,
  pick,
  requestBody,
} from "@hrdkit/sdk";

const op = operations["domain/check"];
const names = Array.from({ length: 100 }, (_, i) => `bench-${i}.pl`);
const key = Buffer.from("00112233445566778899aabbccddeeff", "hex");
// As it comes off the socket: a flat string decoded from the frame's bytes.
const reply = Buffer.from(
  `<?xml version="1.0" encoding="utf-8"?>\n<api xmlns="http://api.hrd.pl/api/"><domain><check>${names
    .map((n) => `<name status="available">${n}</name>`)
    .join("")}</check></domain></api>\n`,
).toString("utf8");

function time(fn, n = 5000) {
  for (let i = 0; i < 3000; i++) fn();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn();
  return (((performance.now() - t0) / n) * 1000).toFixed(1);
}

export function benchHotPath() {
  const wire = op.input.parse({ names });
  const xml = apiDocument(requestBody(op.name, wire));
  const api = parseApiDocument(reply);
  if (op.fastReply(wire, reply) === undefined) throw new Error("the check shortcut refused a plain reply");
  return [
    { step: "validate input (100 names)", "µs/call": time(() => op.input.parse({ names })) },
    { step: "write request XML (hand-written body)", "µs/call": time(() => op.body(wire)) },
    { step: "sign and frame the request", "µs/call": time(() => encodeRequestFrame(xml, key)) },
    { step: "read reply (shortcut, checked)", "µs/call": time(() => op.fastReply(wire, reply)) },
    { step: "— general: write request XML", "µs/call": time(() => apiDocument(requestBody(op.name, wire))) },
    { step: "— general: parse reply XML", "µs/call": time(() => parseApiDocument(reply)) },
    {
      step: "— general: verify + validate reply",
      "µs/call": time(() => {
        const node = pick(api, op.responsePath);
        op.verify(wire, node);
        return op.output.parse(node);
      }),
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(benchHotPath());
