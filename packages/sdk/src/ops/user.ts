import { z } from "zod";
import { isValidNip, isValidPesel, normalizeNip } from "../util/ids.js";
import { defineOp } from "./define.js";
import {
  country,
  email,
  fax,
  id,
  list,
  opt,
  outDate,
  outEmpty,
  outInt,
  outText,
  phone,
  str,
  whenObject,
} from "./fields.js";

const address = {
  street: str(3, 255),
  postcode: str(3, 16),
  city: str(1, 128),
  country,
};

/**
 * A registrant account ("abonent", CSA). `idNumber` is the PESEL of a person or the NIP of a
 * company; for Polish accounts (`country: "PL"`) its checksum is verified before sending.
 */
export const userCreate = defineOp({
  name: "user/create",
  example:
    'await hrd.user.create({ type: "person", idNumber: "44051401359", email: "jan@example.com", landlinePhone: "+48 22 100 32 48", name: "Jan Kowalski", street: "ul. Długa 1", postcode: "00-001", city: "Warszawa", country: "PL" })',
  effect: "write",
  summary: "Create a registrant account (person with PESEL or company with NIP).",
  input: z
    .object({
      type: z.enum(["person", "company"]),
      representative: str(3, 255).optional(),
      idNumber: str(1, 255),
      email,
      mobilePhone: phone.optional(),
      landlinePhone: phone,
      fax: fax.optional(),
      name: str(3, 255),
      ...address,
    })
    // Runs even when other fields failed, so that every bad field is named at once.
    .superRefine((v, ctx) => {
      if (v.type === "company" && !v.representative) {
        ctx.addIssue({ code: "custom", path: ["representative"], message: "is required for a company" });
      }
      if (v.type === "person" && v.representative) {
        ctx.addIssue({ code: "custom", path: ["representative"], message: "is only for companies" });
      }
      const country = typeof v.country === "string" ? v.country.trim().toUpperCase() : "";
      if (country === "PL" && typeof v.idNumber === "string") {
        if (v.type === "person" && !isValidPesel(v.idNumber.trim())) {
          ctx.addIssue({
            code: "custom",
            path: ["idNumber"],
            message: "is not a valid PESEL (11 digits, checksum)",
          });
        }
        if (v.type === "company" && !isValidNip(v.idNumber)) {
          ctx.addIssue({
            code: "custom",
            path: ["idNumber"],
            message: "is not a valid NIP (10 digits, checksum)",
          });
        }
      }
    }, whenObject)
    .transform((v) => ({
      ...(v.type === "person"
        ? { personType: null }
        : { companyType: null, representative: v.representative }),
      idNumber: v.type === "company" && v.country === "PL" ? normalizeNip(v.idNumber) : v.idNumber,
      email: v.email,
      mobilePhone: v.mobilePhone,
      landlinePhone: v.landlinePhone,
      fax: v.fax,
      name: v.name,
      street: v.street,
      postcode: v.postcode,
      city: v.city,
      country: v.country,
    })),
  output: z.object({ id: outInt }),
  // A second create would make a second account: never resent after an unknown outcome.
  idempotent: false,
  subject: (w) => ({ email: String(w.email), idNumber: String(w.idNumber) }),
  reconcile:
    'List the accounts (client.iterate("user/list") and user/info) to see whether it was created before creating it again.',
});

export const userUpdate = defineOp({
  name: "user/update",
  example:
    'await hrd.user.update({ id: 1234, street: "ul. Nowa 2", postcode: "00-002", city: "Kraków", country: "PL" })',
  effect: "write",
  summary: "Change a registrant account's phones and address (name, e-mail and idNumber cannot change).",
  input: z
    .object({
      id,
      mobilePhone: phone.optional(),
      landlinePhone: phone.optional(),
      fax: fax.optional(),
      street: str(3, 255),
      postcode: str(3, 16),
      city: str(1, 255),
      country,
    })
    .transform((v) => ({
      id: v.id,
      mobilePhone: v.mobilePhone,
      landlinePhone: v.landlinePhone,
      fax: v.fax,
      street: v.street,
      postcode: v.postcode,
      city: v.city,
      country: v.country,
    })),
  output: outEmpty,
});

export const userInfo = defineOp({
  name: "user/info",
  example: "await hrd.user.info({ id: 1234 })",
  effect: "read",
  summary: "A registrant account's data.",
  input: z.object({ id }).transform((v) => ({ id: v.id })),
  output: z
    .object({
      representative: opt(outText),
      landlinePhone: opt(outText),
      mobilePhone: opt(outText),
      fax: opt(outText),
      name: outText,
      street: outText,
      postcode: outText,
      city: outText,
      country: outText,
      crDate: outDate,
      type: outText,
      email: outText,
      idNumber: outText,
    })
    .transform((u) => ({ ...u, type: /company/i.test(u.type) ? ("company" as const) : ("person" as const) })),
});

export const userList = defineOp({
  name: "user/list",
  example: 'for await (const id of hrd.iterate("user/list")) console.log(id)',
  cursor: "lastId",
  effect: "read",
  summary: "One page of registrant account ids after `lastId` (use `client.iterate` for all).",
  input: z
    .object({ lastId: id.optional() })
    .optional()
    .transform((v) => ({ lastId: v?.lastId })),
  output: z.preprocess((n) => (n === "" ? {} : n), z.object({ id: list(outInt) })).transform((r) => r.id),
});
