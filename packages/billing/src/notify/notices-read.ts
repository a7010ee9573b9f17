/** Reading the outbox: a keyset-paged list with filters, and one notice with its attempts. */
import { z } from "zod";
import type { Db } from "../db/db.js";
import { BillingNotFoundError } from "../errors.js";
import { parseInput } from "../validate.js";
import {
  attachmentsOf,
  NOTICE_COLUMNS,
  NOTICE_STATUSES,
  type Notice,
  type NoticeAttempt,
  type NoticeAttemptOutcome,
  type NoticeDetail,
  type NoticeRow,
  type NoticeStatus,
  toNotice,
} from "./notice.js";
import { NOTIFY_CHANNELS, type NotifyChannel } from "./ports.js";

export interface ListNoticesFilter {
  status?: NoticeStatus;
  channel?: NotifyChannel;
  customerId?: number;
  event?: string;
  /** The `next` of the previous page: notices older than that one. */
  after?: number;
  /** Default 50, at most 500. */
  limit?: number;
}

export interface NoticePage {
  /** Newest first. */
  notices: Notice[];
  /** Pass as `after` for the next page; null on the last page. */
  next: number | null;
}

const listSchema = z.object({
  status: z.enum(NOTICE_STATUSES as [NoticeStatus, ...NoticeStatus[]]).optional(),
  channel: z.enum(NOTIFY_CHANNELS as [NotifyChannel, ...NotifyChannel[]]).optional(),
  customerId: z.number().int().positive().optional(),
  event: z.string().min(1).max(200).optional(),
  after: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(500).optional(),
});

/** Notices newest first, filtered, one page at a time (by id, so a page never shifts as new ones arrive). */
export async function listNotices(db: Db, filter: ListNoticesFilter = {}): Promise<NoticePage> {
  const f = parseInput("listNotices", listSchema, filter);
  const limit = f.limit ?? 50;
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace("?", `$${params.length}`));
  };
  if (f.status) add("status = ?", f.status);
  if (f.channel) add("channel = ?", f.channel);
  if (f.customerId) add("customer_id = ?", f.customerId);
  if (f.event) add("event = ?", f.event);
  if (f.after) add("id < ?", f.after);
  params.push(limit + 1);
  const { rows } = await db.query<NoticeRow>(
    `SELECT ${NOTICE_COLUMNS} FROM notices ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY id DESC LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, limit);
  const attachments = await attachmentsOf(
    db,
    page.filter((r) => r.channel === "email").map((r) => r.id),
    false,
  );
  return {
    notices: page.map((r) => toNotice(r, attachments.get(r.id) ?? [])),
    next: rows.length > limit ? page.at(-1)!.id : null,
  };
}

interface AttemptRow {
  number: number;
  started_at: Date;
  finished_at: Date | null;
  outcome: NoticeAttemptOutcome;
  error: string | null;
  provider_id: string | null;
  detail: string | null;
}

/** One notice with its attachments (bytes included) and every attempt, oldest first. */
export async function getNotice(db: Db, id: number): Promise<NoticeDetail> {
  const v = parseInput("getNotice", z.object({ id: z.number().int().positive() }), { id });
  const { rows } = await db.query<NoticeRow>(`SELECT ${NOTICE_COLUMNS} FROM notices WHERE id = $1`, [v.id]);
  if (!rows[0]) throw new BillingNotFoundError(`notice ${v.id}`);
  const attempts = await db.query<AttemptRow>(
    `SELECT number, started_at, finished_at, outcome, error, provider_id, detail
       FROM notice_attempts WHERE notice_id = $1 ORDER BY number`,
    [v.id],
  );
  const attachments = (await attachmentsOf(db, [v.id], true)).get(v.id) ?? [];
  return {
    ...toNotice(rows[0]),
    attachments: attachments.map((a) => ({ ...a, content: a.content ?? Buffer.alloc(0) })),
    attempts: attempts.rows.map(
      (a): NoticeAttempt => ({
        number: a.number,
        startedAt: a.started_at,
        finishedAt: a.finished_at,
        outcome: a.outcome,
        error: a.error,
        providerId: a.provider_id,
        detail: a.detail,
      }),
    ),
  };
}
