/**
 * Finding customers, a page at a time, fast at 100 000 of them: keyset paging (never OFFSET), by
 * id (the primary key) or by name (the `customers_name` index of migration 0004), and a query that
 * matches the beginning of any search term (name words with and without Polish letters, e-mail,
 * NIP, PESEL, EU VAT number) through the GIN index of migration 0005.
 */
import { z } from "zod";
import type { Db } from "../db/db.js";
import { BillingNotFoundError } from "../errors.js";
import { parseInput } from "../validate.js";
import { CONSENT_KINDS, type ConsentKind } from "./consents.js";
import { CUSTOMER_TYPES, type CustomerType, type EuVatNumber } from "./input.js";
import { prefixQuery } from "./terms.js";

export interface SearchCustomersInput {
  /**
   * Words that must each match the beginning of a name word, the e-mail, the NIP or the PESEL,
   * case-insensitively; "zolw" also finds "Żółw" ("żółw" finds only the name with Polish letters).
   */
  query?: string;
  priceGroupId?: number;
  type?: CustomerType;
  /**
   * Only customers whose latest decision of this consent kind, made at or before `at` (default
   * now), is a grant: the mailing list for an offer, narrowed by the other filters.
   */
  consent?: { kind: ConsentKind; at?: Date };
  /** `id` (default, the order customers were created) or `name` (lower-cased name, then id). */
  order?: "id" | "name";
  /** Keyset paging: the last customer of the previous page (its `nextAfterId`). */
  afterId?: number;
  /** Default 50, at most 1000. */
  limit?: number;
}

/** What a list shows of a customer (getCustomer gives the rest). */
export interface CustomerSummary {
  id: number;
  name: string;
  type: CustomerType;
  nip: string | null;
  pesel: string | null;
  euVat: EuVatNumber | null;
  email: string | null;
  mobilePhone: string | null;
  priceGroupId: number | null;
  hrdUserId: number | null;
}

export interface CustomerPage {
  items: CustomerSummary[];
  /** Pass as `afterId` for the next page; null on the last page. */
  nextAfterId: number | null;
}

const schema = z.object({
  query: z.string("must be text").max(200).optional(),
  priceGroupId: z.number("must be an id").int().positive().optional(),
  type: z.enum(CUSTOMER_TYPES, "must be person or company").optional(),
  consent: z
    .object({
      kind: z.enum(CONSENT_KINDS, `must be one of ${CONSENT_KINDS.join(", ")}`),
      at: z.date("must be a date").optional(),
    })
    .optional(),
  order: z.enum(["id", "name"], "must be id or name").optional(),
  afterId: z.number("must be an id").int().min(0).optional(),
  limit: z.number("must be a number").int().min(1).max(1000).optional(),
});

/** The exact expression of the `customers_search_terms` index (migration 0005). */
export const SEARCH_VECTOR = "array_to_tsvector(string_to_array(search, ' '))";

interface SummaryRow {
  id: number;
  name: string;
  type: CustomerType;
  nip: string | null;
  pesel: string | null;
  eu_vat_country: string | null;
  eu_vat_number: string | null;
  email: string | null;
  mobile_phone: string | null;
  price_group_id: number | null;
  hrd_user_id: number | null;
}

/**
 * One page of customers matching every given filter. Paging goes by keys, so page 500 costs what
 * page 1 does, and a customer created or renamed meanwhile neither shifts nor repeats the others
 * (with `order: "name"`, the customer at `afterId` is placed by its name at the time of the call).
 */
export async function searchCustomers(db: Db, input: SearchCustomersInput = {}): Promise<CustomerPage> {
  const v = parseInput("searchCustomers", schema, input);
  const limit = v.limit ?? 50;
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const tsquery = v.query === undefined ? undefined : prefixQuery(v.query);
  if (tsquery) where.push(`${SEARCH_VECTOR} @@ ${param(tsquery)}::tsquery`);
  if (v.priceGroupId !== undefined) where.push(`price_group_id = ${param(v.priceGroupId)}`);
  if (v.type !== undefined) where.push(`type = ${param(v.type)}`);
  if (v.consent !== undefined) {
    // The customer's latest decision of the kind (customer_consents_latest index), a grant.
    where.push(
      `(SELECT cc.granted FROM customer_consents cc
        WHERE cc.customer_id = customers.id AND cc.kind = ${param(v.consent.kind)} AND cc.at <= ${param(v.consent.at ?? new Date())}
        ORDER BY cc.at DESC, cc.id DESC LIMIT 1) IS TRUE`,
    );
  }
  let orderBy = "id";
  if (v.order === "name") {
    orderBy = "lower(name), id";
    if (v.afterId !== undefined) {
      // The key of the cursor row as the database computes it (lower() follows its collation).
      const { rows } = await db.query<{ key: string }>(
        "SELECT lower(name) AS key FROM customers WHERE id = $1",
        [v.afterId],
      );
      if (!rows[0]) throw new BillingNotFoundError(`customer ${v.afterId} (afterId)`);
      where.push(`(lower(name), id) > (${param(rows[0].key)}, ${param(v.afterId)})`);
    }
  } else if (v.afterId !== undefined) {
    where.push(`id > ${param(v.afterId)}`);
  }
  const columns = `id, name, type, nip, pesel, eu_vat_country, eu_vat_number, email, mobile_phone, price_group_id,
    hrd_user_id`;
  const filter = where.length > 0 ? `WHERE ${where.join(" AND ")}` : "";
  // With a query, the matches are collected through the GIN index first and then sorted. Left to
  // itself the planner may walk the id or name index and test every customer against the query,
  // betting that matches are common: a rare name, a NIP or an e-mail then reads all 100 000 rows.
  const sql = tsquery
    ? `WITH matched AS MATERIALIZED (SELECT ${columns} FROM customers ${filter})
       SELECT * FROM matched ORDER BY ${orderBy} LIMIT ${param(limit + 1)}`
    : `SELECT ${columns} FROM customers ${filter} ORDER BY ${orderBy} LIMIT ${param(limit + 1)}`;
  const { rows } = await db.query<SummaryRow>(sql, params);
  const items = rows.slice(0, limit).map(
    (r): CustomerSummary => ({
      id: r.id,
      name: r.name,
      type: r.type,
      nip: r.nip,
      pesel: r.pesel,
      euVat:
        r.eu_vat_country && r.eu_vat_number ? { country: r.eu_vat_country, number: r.eu_vat_number } : null,
      email: r.email,
      mobilePhone: r.mobile_phone,
      priceGroupId: r.price_group_id,
      hrdUserId: r.hrd_user_id,
    }),
  );
  return { items, nextAfterId: rows.length > limit ? items[items.length - 1]!.id : null };
}
