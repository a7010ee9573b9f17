/** The partner's staff: who may log in to the partner panel. */
import { z } from "zod";
import { emailSchema, idSchema } from "../customers/input.js";
import { type Db, sqlState } from "../db/db.js";
import { BillingNotFoundError, BillingValidationError } from "../errors.js";
import { parseInput } from "../validate.js";
import { accountExists, insertLogin, voidResetTokens } from "./logins.js";
import { hashPassword, passwordIssues } from "./passwords.js";
import { clockOf, endSessions } from "./sessions.js";
import type { ClockOption, CreateStaffInput, Staff } from "./types.js";

interface StaffRow {
  id: number;
  email: string;
  name: string;
  disabled: boolean;
  created_at: Date;
}

const COLUMNS = "id, email, name, disabled, created_at";

const toStaff = (r: StaffRow): Staff => ({
  id: r.id,
  email: r.email,
  name: r.name,
  disabled: r.disabled,
  createdAt: new Date(r.created_at),
});

const createSchema = z.object({
  email: emailSchema,
  name: z.string("must be text").trim().min(1, "must not be empty").max(255),
  password: z.unknown(),
});

/** A staff login for the partner panel (validation names every bad field; duplicate → `account_exists`). */
export async function createStaff(db: Db, input: CreateStaffInput, o?: ClockOption): Promise<Staff> {
  const r = createSchema.safeParse(input);
  const issues = r.success
    ? []
    : r.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
  const typed = (input as Partial<CreateStaffInput> | null)?.email;
  issues.push(...passwordIssues("password", (input as Partial<CreateStaffInput> | null)?.password, typed));
  if (!r.success || issues.length > 0) throw new BillingValidationError("createStaff", issues);
  const v = r.data;
  const now = clockOf(o);
  const password = await hashPassword(v.password as string);
  return db.transaction(async (tx) => {
    let row: StaffRow;
    try {
      const { rows } = await tx.transaction((sp) =>
        sp.query<StaffRow>(
          `INSERT INTO staff (email, name, created_at) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`,
          [v.email, v.name, now],
        ),
      );
      row = rows[0]!;
    } catch (err) {
      if (sqlState(err) === "23505") throw accountExists();
      throw err;
    }
    await insertLogin(tx, { realm: "staff", email: v.email, staffId: row.id, password, now });
    return toStaff(row);
  });
}

/** Every staff member, disabled ones too, in the order they were added. */
export async function listStaff(db: Db): Promise<Staff[]> {
  const { rows } = await db.query<StaffRow>(`SELECT ${COLUMNS} FROM staff ORDER BY id`);
  return rows.map(toStaff);
}

/** Disables (or re-enables) a staff login; disabling ends its sessions and its reset links. */
export async function setStaffDisabled(db: Db, staffId: number, disabled: boolean): Promise<Staff> {
  const v = parseInput(
    "setStaffDisabled",
    z.object({ staffId: idSchema, disabled: z.boolean("must be true or false") }),
    { staffId, disabled },
  );
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<StaffRow>(
      `UPDATE staff SET disabled = $2 WHERE id = $1 RETURNING ${COLUMNS}`,
      [v.staffId, v.disabled],
    );
    const row = rows[0];
    if (!row) throw new BillingNotFoundError(`staff member ${v.staffId}`);
    if (v.disabled) {
      const { rows: logins } = await tx.query<{ id: number }>("SELECT id FROM logins WHERE staff_id = $1", [
        v.staffId,
      ]);
      for (const l of logins) {
        await endSessions(tx, l.id);
        await voidResetTokens(tx, { loginId: l.id }, new Date());
      }
    }
    return toStaff(row);
  });
}
