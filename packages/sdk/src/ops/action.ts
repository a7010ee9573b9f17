import { z } from "zod";
import { defineOp } from "./define.js";
import { id, list, obj, opt, outAmount, outDate, outDomain, outInt, outText } from "./fields.js";

export const actionInfo = defineOp({
  name: "action/info",
  example: "await hrd.action.info({ id: 5001 })",
  effect: "read",
  summary: "An action's status, amount charged, type and object.",
  input: z.object({ id }).transform((v) => ({ id: v.id })),
  output: z.object({
    status: outText,
    /** Amount charged (the schema says float: parsed from the text exactly, never through a float). */
    amount: opt(outAmount),
    added: outDate,
    type: outText,
    object: outText,
    objectName: opt(outDomain),
    objectId: opt(outText),
  }),
});

export const actionList = defineOp({
  name: "action/list",
  example: 'for await (const id of hrd.iterate("action/list")) console.log(id)',
  cursor: "lastId",
  effect: "read",
  summary: "One page of action ids after `lastId` (use `client.iterate` for all).",
  input: z
    .object({ lastId: id.optional() })
    .optional()
    .transform((v) => ({ lastId: v?.lastId })),
  output: obj({ id: list(outInt) }).transform((r) => r.id),
});

export const pollGet = defineOp({
  name: "poll/get",
  example: "const msg = await hrd.poll.get()",
  effect: "read",
  summary: "The head of the poll queue (repeats until acknowledged), or null when the queue is empty.",
  input: z
    .object({})
    .strict()
    .optional()
    .transform(() => null),
  output: z.preprocess(
    (n) => (n === "" || n === undefined ? null : n),
    z
      .object({
        id: outInt,
        object: outText,
        objectId: opt(outInt),
        objectName: opt(outDomain),
        action: outText,
        added: outDate,
      })
      .nullable(),
  ),
});

export const pollAck = defineOp({
  name: "poll/ack",
  example: "await hrd.poll.ack({ id: msg.id })",
  effect: "write",
  summary: "Acknowledge (remove) a poll message.",
  input: z.object({ id }).transform((v) => ({ id: v.id })),
  // Repeated after a lost reply, it would be refused (the message is gone): read poll/get instead.
  idempotent: false,
  subject: (w) => ({ id: Number(w.id) }),
  reconcile:
    "Read poll/get: if this message is still at the head of the queue, acknowledge it again; if the head " +
    "is another message (or the queue is empty), the acknowledgement arrived.",
  output: obj({}),
});
