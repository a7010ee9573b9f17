/**
 * Customers (abonenci): a person or a business, its contacts, its addresses, the price group it
 * buys in and the registrant account at HRD its domains belong to. Every write validates the whole
 * customer as it will be after the change and names every bad field; a refused call writes nothing.
 */
import { z } from "zod";
import { type Db, sqlState } from "../db/db.js";
import type { Address, Party } from "../documents/types.js";
import {
  BillingConflictError,
  BillingNotFoundError,
  BillingValidationError,
  type FieldIssue,
} from "../errors.js";
import type { NoticeLanguage } from "../notify/events.js";
import { defaultCustomerLanguage } from "../notify/settings.js";
import { parseInput } from "../validate.js";
import { type CurrentConsents, readCurrentConsents } from "./consents.js";
import {
  type CreateCustomerInput,
  type CustomerType,
  createSchema,
  type EuVatNumber,
  idSchema,
  type ParsedAddress,
  type ParsedPayer,
  type Presence,
  parseCustomer,
  presenceAfter,
  presenceOf,
  type UpdateCustomerInput,
  updateSchema,
} from "./input.js";
import { searchText } from "./terms.js";

export interface CustomerAddress extends Address {
  /** The name printed on this address (the customer's name unless another was given). */
  name: string;
}

export interface PayerAddress extends CustomerAddress {
  nip: string | null;
}

export interface CustomerAddresses {
  correspondence: CustomerAddress | null;
  /** null: documents use the correspondence address. */
  invoice: CustomerAddress | null;
  /** null: the customer pays itself. */
  payer: PayerAddress | null;
}

export interface Customer {
  id: number;
  name: string;
  type: CustomerType;
  pesel: string | null;
  nip: string | null;
  euVat: EuVatNumber | null;
  email: string | null;
  /** `+48…` or `+<country code>…`. */
  mobilePhone: string | null;
  landlinePhone: string | null;
  /** The registrant account at HRD. */
  hrdUserId: number | null;
  /** null: no group was set and there was no default group then (pricing uses the default). */
  priceGroupId: number | null;
  /** The language notices are sent in. */
  language: NoticeLanguage;
  firstOrderAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  addresses: CustomerAddresses;
  /** The consents in force now (the latest record of each kind). */
  consents: CurrentConsents;
}

interface CustomerRow {
  id: number;
  name: string;
  type: CustomerType;
  pesel: string | null;
  nip: string | null;
  eu_vat_country: string | null;
  eu_vat_number: string | null;
  email: string | null;
  mobile_phone: string | null;
  landline_phone: string | null;
  hrd_user_id: number | null;
  price_group_id: number | null;
  language: NoticeLanguage;
  first_order_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

interface AddressRow {
  kind: "correspondence" | "invoice" | "payer";
  name: string;
  street: string;
  postcode: string;
  city: string;
  country: string;
  nip: string | null;
}

export const CUSTOMER_COLUMNS = `id, name, type, pesel, nip, eu_vat_country, eu_vat_number, email, mobile_phone,
  landline_phone, hrd_user_id, price_group_id, language, first_order_at, created_at, updated_at`;

export const euVatOf = (r: Pick<CustomerRow, "eu_vat_country" | "eu_vat_number">): EuVatNumber | null =>
  r.eu_vat_country && r.eu_vat_number ? { country: r.eu_vat_country, number: r.eu_vat_number } : null;

function toAddresses(customerName: string, rows: AddressRow[]): CustomerAddresses {
  const out: CustomerAddresses = { correspondence: null, invoice: null, payer: null };
  for (const r of rows) {
    // An address stored without a name of its own ('') carries the customer's current name.
    const a = {
      name: r.name || customerName,
      street: r.street,
      postcode: r.postcode,
      city: r.city,
      country: r.country,
    };
    if (r.kind === "payer") out.payer = { ...a, nip: r.nip };
    else out[r.kind] = a;
  }
  return out;
}

/** The whole customer (no validation of the id: callers have done it). */
export async function readCustomer(db: Db, customerId: number, lock = ""): Promise<Customer> {
  const { rows } = await db.query<CustomerRow>(
    `SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE id = $1 ${lock}`,
    [customerId],
  );
  const r = rows[0];
  if (!r) throw new BillingNotFoundError(`customer ${customerId}`);
  const addresses = await db.query<AddressRow>(
    "SELECT kind, name, street, postcode, city, country, nip FROM customer_addresses WHERE customer_id = $1",
    [customerId],
  );
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    pesel: r.pesel,
    nip: r.nip,
    euVat: euVatOf(r),
    email: r.email,
    mobilePhone: r.mobile_phone,
    landlinePhone: r.landline_phone,
    hrdUserId: r.hrd_user_id,
    priceGroupId: r.price_group_id,
    language: r.language,
    firstOrderAt: r.first_order_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    addresses: toAddresses(r.name, addresses.rows),
    consents: await readCurrentConsents(db, customerId),
  };
}

async function requireGroupExists(db: Db, groupId: number): Promise<void> {
  const { rowCount } = await db.query("SELECT 1 FROM price_groups WHERE id = $1 FOR KEY SHARE", [groupId]);
  if (rowCount === 0) throw new BillingNotFoundError(`price group ${groupId}`);
}

async function defaultGroup(db: Db): Promise<number | null> {
  const { rows } = await db.query<{ id: number }>("SELECT id FROM price_groups WHERE is_default");
  return rows[0]?.id ?? null;
}

/** The stored form of the customer's own columns. */
interface CustomerValues {
  name: string;
  type: CustomerType;
  pesel: string | null;
  nip: string | null;
  euVat: EuVatNumber | null;
  email: string | null;
  mobilePhone: string | null;
  landlinePhone: string | null;
  hrdUserId: number | null;
  priceGroupId: number | null;
  language: NoticeLanguage;
}

const valueParams = (v: CustomerValues) => [
  v.name,
  v.type,
  v.pesel,
  v.nip,
  v.euVat?.country ?? null,
  v.euVat?.number ?? null,
  v.email,
  v.mobilePhone,
  v.landlinePhone,
  v.hrdUserId,
  v.priceGroupId,
  searchText(v),
  v.language,
];

async function writeAddress(
  tx: Db,
  customerId: number,
  kind: AddressRow["kind"],
  a: ParsedAddress | ParsedPayer | null,
): Promise<void> {
  if (a === null) {
    await tx.query("DELETE FROM customer_addresses WHERE customer_id = $1 AND kind = $2", [customerId, kind]);
    return;
  }
  await tx.query(
    `INSERT INTO customer_addresses (customer_id, kind, name, street, postcode, city, country, nip)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (customer_id, kind) DO UPDATE SET name = EXCLUDED.name, street = EXCLUDED.street,
       postcode = EXCLUDED.postcode, city = EXCLUDED.city, country = EXCLUDED.country, nip = EXCLUDED.nip`,
    [
      customerId,
      kind,
      a.name ?? "",
      a.street,
      a.postcode,
      a.city,
      a.country,
      "nip" in a ? (a.nip ?? null) : null,
    ],
  );
}

/** The values of a validated create input. */
function createValues(
  c: z.output<typeof createSchema>,
  priceGroupId: number | null,
  language: NoticeLanguage,
): CustomerValues {
  return {
    name: c.name,
    type: c.type ?? (c.nip || c.euVat ? "company" : "person"),
    pesel: c.pesel ?? null,
    nip: c.nip ?? null,
    euVat: c.euVat ?? null,
    email: c.email ?? null,
    mobilePhone: c.mobilePhone ?? null,
    landlinePhone: c.landlinePhone ?? null,
    hrdUserId: c.hrdUserId ?? null,
    priceGroupId,
    language: c.language ?? language,
  };
}

/**
 * Creates a customer. The minimal form `{ name, priceGroupId? }` makes a person without details
 * (it cannot be put on a document until it has an address); any detail beyond that requires the
 * correspondence address. Without `priceGroupId` the customer joins the default price group.
 */
export async function createCustomer(db: Db, input: CreateCustomerInput): Promise<Customer> {
  const c = parseCustomer("createCustomer", createSchema, input, presenceOf(input));
  return db.transaction(async (tx) => {
    let groupId: number | null = c.priceGroupId ?? null;
    if (groupId !== null) await requireGroupExists(tx, groupId);
    else groupId = await defaultGroup(tx);
    let customerId: number;
    try {
      const { rows } = await tx.query<{ id: number }>(
        `INSERT INTO customers (name, type, pesel, nip, eu_vat_country, eu_vat_number, email, mobile_phone,
           landline_phone, hrd_user_id, price_group_id, search, language)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
        valueParams(createValues(c, groupId, c.language ?? (await defaultCustomerLanguage(tx)))),
      );
      customerId = rows[0]!.id;
    } catch (err) {
      // The group was deleted in between.
      if (sqlState(err) === "23503") throw new BillingNotFoundError(`price group ${groupId}`);
      throw err;
    }
    const a = c.addresses;
    if (a?.correspondence) await writeAddress(tx, customerId, "correspondence", a.correspondence);
    if (a?.invoice) await writeAddress(tx, customerId, "invoice", a.invoice);
    if (a?.payer) await writeAddress(tx, customerId, "payer", a.payer);
    return readCustomer(tx, customerId);
  });
}

export async function getCustomer(db: Db, customerId: number): Promise<Customer> {
  const cid = parseInput("getCustomer", idSchema, customerId);
  return readCustomer(db, cid);
}

function presenceOfCustomer(c: Customer): Presence {
  return {
    type: c.type,
    pesel: c.pesel !== null,
    nip: c.nip !== null,
    euVat: c.euVat !== null,
    details:
      c.type === "company" ||
      [c.pesel, c.nip, c.euVat, c.email, c.mobilePhone, c.landlinePhone, c.hrdUserId].some(
        (v) => v !== null,
      ) ||
      c.addresses.correspondence !== null ||
      c.addresses.invoice !== null ||
      c.addresses.payer !== null,
    correspondence: c.addresses.correspondence !== null,
  };
}

/**
 * Changes some fields of a customer (left out: unchanged; `null`: cleared). The customer as it
 * will be is checked as a whole: making a person a company needs a NIP and clearing its PESEL, and
 * so on. The search terms follow the name, e-mail, NIP and PESEL.
 */
export async function updateCustomer(
  db: Db,
  customerId: number,
  patch: UpdateCustomerInput,
): Promise<Customer> {
  const cid = parseInput("updateCustomer", idSchema, customerId);
  return db.transaction(async (tx) => {
    const current = await readCustomer(tx, cid, "FOR UPDATE");
    const p = parseCustomer(
      "updateCustomer",
      updateSchema,
      patch,
      presenceAfter(presenceOfCustomer(current), patch),
    );
    const pick = <K extends keyof CustomerValues>(
      key: K,
      v: CustomerValues[K] | undefined,
    ): CustomerValues[K] => (v === undefined ? (current[key as keyof Customer] as CustomerValues[K]) : v);
    const next: CustomerValues = {
      name: pick("name", p.name),
      type: pick("type", p.type),
      pesel: pick("pesel", p.pesel),
      nip: pick("nip", p.nip),
      euVat: pick("euVat", p.euVat),
      email: pick("email", p.email),
      mobilePhone: pick("mobilePhone", p.mobilePhone),
      landlinePhone: pick("landlinePhone", p.landlinePhone),
      hrdUserId: pick("hrdUserId", p.hrdUserId),
      priceGroupId: pick("priceGroupId", p.priceGroupId),
      language: pick("language", p.language),
    };
    if (p.priceGroupId !== undefined) await requireGroupExists(tx, p.priceGroupId);
    try {
      await tx.query(
        `UPDATE customers SET name = $1, type = $2, pesel = $3, nip = $4, eu_vat_country = $5, eu_vat_number = $6,
           email = $7, mobile_phone = $8, landline_phone = $9, hrd_user_id = $10, price_group_id = $11,
           search = $12, language = $13, updated_at = now()
         WHERE id = $14`,
        [...valueParams(next), cid],
      );
    } catch (err) {
      if (sqlState(err) === "23503") throw new BillingNotFoundError(`price group ${p.priceGroupId}`);
      throw err;
    }
    const a = p.addresses;
    if (a?.correspondence) await writeAddress(tx, cid, "correspondence", a.correspondence);
    if (a?.invoice !== undefined) await writeAddress(tx, cid, "invoice", a.invoice);
    if (a?.payer !== undefined) await writeAddress(tx, cid, "payer", a.payer);
    return readCustomer(tx, cid);
  });
}

/** Moves a customer to a price group. */
export async function assignPriceGroup(db: Db, customerId: number, groupId: number): Promise<Customer> {
  const v = parseInput("assignPriceGroup", z.object({ customerId: idSchema, groupId: idSchema }), {
    customerId,
    groupId,
  });
  return db.transaction(async (tx) => {
    await requireGroupExists(tx, v.groupId);
    try {
      const { rowCount } = await tx.query(
        "UPDATE customers SET price_group_id = $2, updated_at = now() WHERE id = $1",
        [v.customerId, v.groupId],
      );
      if (rowCount === 0) throw new BillingNotFoundError(`customer ${v.customerId}`);
    } catch (err) {
      if (sqlState(err) === "23503") throw new BillingNotFoundError(`price group ${v.groupId}`);
      throw err;
    }
    return readCustomer(tx, v.customerId);
  });
}

export type PartyRole = "buyer" | "payer";

/** Only the postal part: documents print the name and the NIP apart from the address. */
const postal = (a: CustomerAddress): Address => ({
  street: a.street,
  postcode: a.postcode,
  city: a.city,
  country: a.country,
});

/** The customer as a document prints it, without reading its consents. */
function buyerOf(c: Customer): Party {
  const address = c.addresses.invoice ?? c.addresses.correspondence;
  if (!address) {
    throw new BillingConflictError(
      `customer ${c.id} has no address: add addresses.correspondence with updateCustomer before issuing a document`,
      "no_address",
    );
  }
  return {
    name: address.name,
    ...(c.nip ? { nip: c.nip } : {}),
    ...(c.pesel ? { pesel: c.pesel } : {}),
    ...(c.euVat ? { euVat: { ...c.euVat } } : {}),
    address: postal(address),
    ...(c.email ? { email: c.email } : {}),
  };
}

/**
 * The party a document prints for the customer. `buyer`: the customer with its invoice address
 * (default the correspondence address), NIP or EU VAT number, PESEL of a person (documents do not
 * print it) and e-mail. `payer`: the payer address with its own name and NIP, or the buyer when
 * someone else does not pay. BillingConflictError `no_address` when the customer has no address.
 */
export async function customerParty(db: Db, customerId: number, role: PartyRole): Promise<Party> {
  const v = parseInput(
    "customerParty",
    z.object({ customerId: idSchema, role: z.enum(["buyer", "payer"], "must be buyer or payer") }),
    { customerId, role },
  );
  const c = await readCustomer(db, v.customerId);
  const buyer = buyerOf(c);
  const payer = c.addresses.payer;
  if (v.role === "buyer" || !payer) return buyer;
  return {
    name: payer.name,
    ...(payer.nip ? { nip: payer.nip } : {}),
    address: postal(payer),
  };
}

export interface ImportCustomersOptions {
  /** Rows per INSERT statement (default 2000). */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface ImportCustomersResult {
  /** The new customers' ids, in the order of the input. */
  ids: number[];
}

const importSchema = z.array(z.unknown()).max(1_000_000);

/**
 * Creates many customers at once (a migration from another system): every input is checked as
 * createCustomer checks it, and one bad field anywhere refuses the whole import (issues are
 * prefixed with the input's index: `17.nip`). Then all are written in one transaction, a batch of
 * rows per statement: an import either happens entirely or not at all.
 */
export async function importCustomers(
  db: Db,
  inputs: readonly CreateCustomerInput[],
  options: ImportCustomersOptions = {},
): Promise<ImportCustomersResult> {
  const list = parseInput("importCustomers", importSchema, inputs);
  const batchSize = parseInput(
    "importCustomers",
    z.number("must be a number").int().min(1).max(10_000),
    options.batchSize ?? 2000,
  );
  const parsed: z.output<typeof createSchema>[] = [];
  const issues: FieldIssue[] = [];
  list.forEach((input, i) => {
    try {
      parsed.push(parseCustomer("importCustomers", createSchema, input, presenceOf(input)));
    } catch (err) {
      if (!(err instanceof BillingValidationError)) throw err;
      for (const issue of err.issues)
        issues.push({ path: `${i}${issue.path ? `.${issue.path}` : ""}`, message: issue.message });
    }
  });
  if (issues.length > 0) throw new BillingValidationError("importCustomers", issues);
  const groups = [...new Set(parsed.flatMap((c) => (c.priceGroupId === undefined ? [] : [c.priceGroupId])))];
  return db.transaction(async (tx) => {
    for (const g of groups) await requireGroupExists(tx, g);
    const fallback = await defaultGroup(tx);
    const language = await defaultCustomerLanguage(tx);
    const ids: number[] = [];
    for (let from = 0; from < parsed.length; from += batchSize) {
      const batch = parsed.slice(from, from + batchSize);
      // Ids first, so addresses can be written for each input without relying on RETURNING order.
      const { rows } = await tx.query<{ id: number }>(
        "SELECT nextval(pg_get_serial_sequence('customers', 'id'))::int8 AS id FROM generate_series(1, $1) ORDER BY 1",
        [batch.length],
      );
      const batchIds = rows.map((r) => r.id);
      const values = batch.map((c) => valueParams(createValues(c, c.priceGroupId ?? fallback, language)));
      const column = (i: number) => values.map((v) => v[i]);
      await tx.query(
        `INSERT INTO customers (id, name, type, pesel, nip, eu_vat_country, eu_vat_number, email, mobile_phone,
           landline_phone, hrd_user_id, price_group_id, search, language)
         SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
           $8::text[], $9::text[], $10::text[], $11::int[], $12::int[], $13::text[], $14::text[])`,
        [batchIds, ...Array.from({ length: 13 }, (_, i) => column(i))],
      );
      const addr: (string | number | null)[][] = [];
      batch.forEach((c, i) => {
        const a = c.addresses;
        const push = (kind: string, x: ParsedAddress | ParsedPayer | undefined) => {
          if (x) {
            addr.push([
              batchIds[i]!,
              kind,
              x.name ?? "",
              x.street,
              x.postcode,
              x.city,
              x.country,
              "nip" in x ? (x.nip ?? null) : null,
            ]);
          }
        };
        push("correspondence", a?.correspondence);
        push("invoice", a?.invoice);
        push("payer", a?.payer);
      });
      if (addr.length > 0) {
        await tx.query(
          `INSERT INTO customer_addresses (customer_id, kind, name, street, postcode, city, country, nip)
           SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])`,
          Array.from({ length: 8 }, (_, i) => addr.map((r) => r[i])),
        );
      }
      ids.push(...batchIds);
      options.onProgress?.(ids.length, parsed.length);
    }
    return { ids };
  });
}
