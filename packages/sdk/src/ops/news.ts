import { z } from "zod";
import { defineOp } from "./define.js";
import { id, list, obj, outBool, outDate, outInt, outText } from "./fields.js";

export const newsList = defineOp({
  name: "news/list",
  cursor: "lastId",
  effect: "read",
  summary: "One page of HRD's news (technical notices) ids after `lastId` (use `client.iterate` for all).",
  input: z
    .object({ lastId: id.optional() })
    .optional()
    .transform((v) => ({ lastId: v?.lastId })),
  output: obj({ id: list(outInt) }).transform((r) => r.id),
  example: 'for await (const id of hrd.iterate("news/list")) console.log(id);',
});

export const newsInfo = defineOp({
  name: "news/info",
  effect: "read",
  summary: "One news item: title, message, whether it is archived, and when it was added.",
  input: z.object({ id }).transform((v) => ({ id: v.id })),
  output: z.object({
    title: outText,
    message: outText,
    archived: outBool,
    added: outDate,
  }),
  example: "const { title, message } = await hrd.news.info({ id: 101 });",
});

/**
 * Declared operations of this area, by `module/method` (spread into the registry in index.ts).
 */
export const newsOperations = {
  "news/list": newsList,
  "news/info": newsInfo,
} as const;
