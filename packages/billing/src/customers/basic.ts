/**
 * Customers, minimally: what pricing needs (a name and a price group). The customer issue adds
 * the rest (addresses, tax ids, contacts).
 */
import { z } from "zod";
import { type Db, sqlState } from "../db/db.js";
import { BillingNotFoundError } from "../errors.js";
import { parseInput } from "../validate.js";

export interface Customer {
  id: number;
  name: string;
  /** null: no group was set and there was no default group then (pricing uses the default). */
  priceGroupId: number | null;
  firstOrderAt: Date | null;
  createdAt: Date;
}

export interface CreateCustomerInput {
  name: string;
  /** Default: the default price group. */
  priceGroupId?: number;
}

const id = z.number().int().positive();
const createSchema = z.object({
  name: z.string().trim().min(1, "must not be empty").max(255),
  priceGroupId: id.optional(),
});

interface CustomerRow {
  id: number;
  name: string;
  price_group_id: number | null;
  first_order_at: Date | null;
  created_at: Date;
}

const COLUMNS = "id, name, price_group_id, first_order_at, created_at";

const toCustomer = (r: CustomerRow): Customer => ({
  id: r.id,
  name: r.name,
  priceGroupId: r.price_group_id,
  firstOrderAt: r.first_order_at,
  createdAt: r.created_at,
});

async function requireGroupExists(db: Db, groupId: number): Promise<void> {
  const { rowCount } = await db.query("SELECT 1 FROM price_groups WHERE id = $1 FOR KEY SHARE", [groupId]);
  if (rowCount === 0) throw new BillingNotFoundError(`price group ${groupId}`);
}

/** Creates a customer in the given price group, or in the default group when none is given. */
export async function createCustomer(db: Db, input: CreateCustomerInput): Promise<Customer> {
  const c = parseInput("createCustomer", createSchema, input);
  return db.transaction(async (tx) => {
    let groupId: number | null = c.priceGroupId ?? null;
    if (groupId !== null) {
      await requireGroupExists(tx, groupId);
    } else {
      const { rows } = await tx.query<{ id: number }>("SELECT id FROM price_groups WHERE is_default");
      groupId = rows[0]?.id ?? null;
    }
    try {
      const { rows } = await tx.query<CustomerRow>(
        `INSERT INTO customers (name, price_group_id) VALUES ($1, $2) RETURNING ${COLUMNS}`,
        [c.name, groupId],
      );
      return toCustomer(rows[0]!);
    } catch (err) {
      // The group was deleted in between.
      if (sqlState(err) === "23503") throw new BillingNotFoundError(`price group ${groupId}`);
      throw err;
    }
  });
}

export async function getCustomer(db: Db, customerId: number): Promise<Customer> {
  const cid = parseInput("getCustomer", id, customerId);
  const { rows } = await db.query<CustomerRow>(`SELECT ${COLUMNS} FROM customers WHERE id = $1`, [cid]);
  if (!rows[0]) throw new BillingNotFoundError(`customer ${cid}`);
  return toCustomer(rows[0]);
}

/** Moves a customer to a price group. */
export async function assignPriceGroup(db: Db, customerId: number, groupId: number): Promise<Customer> {
  const v = parseInput("assignPriceGroup", z.object({ customerId: id, groupId: id }), {
    customerId,
    groupId,
  });
  return db.transaction(async (tx) => {
    await requireGroupExists(tx, v.groupId);
    try {
      const { rows } = await tx.query<CustomerRow>(
        `UPDATE customers SET price_group_id = $2 WHERE id = $1 RETURNING ${COLUMNS}`,
        [v.customerId, v.groupId],
      );
      if (!rows[0]) throw new BillingNotFoundError(`customer ${v.customerId}`);
      return toCustomer(rows[0]);
    } catch (err) {
      if (sqlState(err) === "23503") throw new BillingNotFoundError(`price group ${v.groupId}`);
      throw err;
    }
  });
}
