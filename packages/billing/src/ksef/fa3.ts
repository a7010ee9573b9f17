/**
 * KSeF structured invoice FA(3): a VAT invoice or a correction as the XML KSeF accepts, valid
 * against the Ministry of Finance's schema `schemat_FA(3)_v1-0E.xsd` (../shared/ksef). Element order
 * and required elements follow the XSD; see docs/billing/ksef.en.md for the mapping.
 *
 * Amounts are in the invoice's currency (`KodWaluty`); a foreign-currency invoice also carries its
 * VAT in PLN per rate (`P_14_xW`) and the exchange rate on each line (`KursWaluty`). A correction's
 * P_13_x/P_14_x/P_15 are the differences it makes, and its lines show the state before
 * (`StanPrzed=1`) and after the correction.
 */

import { warsawDate } from "../documents/dates.js";
import {
  type ExemptionBasis,
  type InvoiceDocument,
  type Party,
  UNIT_OF_MEASURE,
  type VatGroup,
} from "../documents/types.js";
import { BillingConflictError } from "../errors.js";
import { money, toDecimal } from "../money/money.js";
import { VAT_RATES, type VatRateCode } from "../money/vat.js";
import { token, XmlWriter } from "./xml-writer.js";

export const FA3_NAMESPACE = "http://crd.gov.pl/wzor/2025/06/25/13775/";
export const FA3_SYSTEM_CODE = "FA (3)";
export const FA3_SCHEMA_VERSION = "1-0E";

export interface Fa3Options {
  /** `Naglowek/SystemInfo`: the invoicing system's name. Default "hrdkit". */
  systemInfo?: string;
  /** `Naglowek/DataWytworzeniaFa`: when the XML was made. Default: now. */
  generatedAt?: Date;
  /**
   * Corrections: the KSeF number of the corrected invoice (`NrKSeFFaKorygowanej`). Without it the
   * corrected invoice is declared as issued outside KSeF (`NrKSeFN=1`). `exportInvoiceFa3` reads it
   * from the database.
   */
  correctedKsefNumber?: string;
  /**
   * Corrections: when the correction takes effect in the VAT records (`TypKorekty`): 1 — at the
   * date of the corrected invoice, 2 — at the date of the correction, 3 — another date. Default: 2
   * when the correction lowers the tax base (art. 29a ust. 13), 1 when it raises it (an error on
   * the original, settled in its period).
   */
  correctionType?: 1 | 2 | 3;
}

/** Codes FA(3) accepts as `KodUE` (Greece is EL, Northern Ireland XI). */
const EU_CODES = new Set(
  "AT BE BG CY CZ DK EE FI FR DE EL HR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE XI".split(" "),
);

/** The FA(3) fields of the rates: net sum and, for taxed rates, VAT and VAT in PLN. */
const NET_FIELDS = [
  "P_13_1",
  "P_13_2",
  "P_13_3",
  "P_13_4",
  "P_13_5",
  "P_13_6_1",
  "P_13_6_2",
  "P_13_6_3",
  "P_13_7",
  "P_13_8",
  "P_13_9",
  "P_13_10",
  "P_13_11",
];
/** P_13_1..P_13_4 come with P_14_x (and P_14_xW); P_13_5 with an optional P_14_5. */
const TAXED_FIELDS = new Set(["P_13_1", "P_13_2", "P_13_3", "P_13_4", "P_13_5"]);

const PAYMENT_FORMS: Record<string, number | string> = {
  cash: 1,
  card: 2,
  transfer: 6,
  // no FA(3) code for these: PlatnoscInna with a description
  online: "płatność online",
  balance: "rozliczenie z saldem klienta",
};

/** Where the exemption basis goes (art. 106e ust. 1 pkt 19): the Act, the Directive, or another basis. */
const EXEMPTION_FIELDS: Record<ExemptionBasis["source"], string> = {
  act: "P_19A",
  directive: "P_19B",
  other: "P_19C",
};

function exportError(invoice: InvoiceDocument, why: string): BillingConflictError {
  return new BillingConflictError(
    `${invoice.number} cannot be exported to KSeF FA(3): ${why}`,
    "ksef_export",
  );
}

function netField(invoice: InvoiceDocument, rate: string): string {
  const r = VAT_RATES[rate as VatRateCode];
  if (!r) throw exportError(invoice, `unknown VAT rate "${rate}"`);
  return r.ksefNetField;
}

/** `"04.271800"` → `"4.2718"` (TIlosci allows no leading zeros). */
function decimalText(value: string): string {
  const [int = "0", frac = ""] = value.split(".");
  const i = int.replace(/^0+(?=\d)/, "");
  const f = frac.replace(/0+$/, "");
  return f ? `${i}.${f}` : i;
}

function address(w: XmlWriter, name: string, party: Pick<Party, "address">): void {
  w.element(name, () => {
    w.leaf("KodKraju", party.address.country.toUpperCase());
    w.leaf("AdresL1", token(party.address.street));
    w.leaf("AdresL2", token(`${party.address.postcode} ${party.address.city}`));
  });
}

function buyerId(w: XmlWriter, buyer: Party): void {
  if (buyer.nip) {
    w.leaf("NIP", buyer.nip);
  } else if (buyer.euVat) {
    const country = buyer.euVat.country.toUpperCase() === "GR" ? "EL" : buyer.euVat.country.toUpperCase();
    // the number without its country prefix, as VIES shows it
    let number = buyer.euVat.number.toUpperCase().replace(/[^0-9A-Z+*]/g, "");
    if (number.startsWith(country) || number.startsWith(buyer.euVat.country.toUpperCase())) {
      number = number.slice(2);
    }
    if (EU_CODES.has(country)) {
      w.leaf("KodUE", country);
      w.leaf("NrVatUE", number);
    } else {
      w.leaf("KodKraju", country);
      w.leaf("NrID", number);
    }
  } else {
    // a consumer: no tax id (not the text "BRAK")
    w.leaf("BrakID", 1);
  }
  w.leaf("Nazwa", token(buyer.name));
}

function contact(w: XmlWriter, email: string | undefined, phone: string | undefined): void {
  const mail = email && /^.+@.+$/.test(email) && email.length <= 255 ? email : undefined;
  const tel = phone && token(phone).length <= 16 ? token(phone) : undefined;
  if (!mail && !tel) return;
  w.element("DaneKontaktowe", () => {
    w.leaf("Email", mail);
    w.leaf("Telefon", tel);
  });
}

function totals(w: XmlWriter, invoice: InvoiceDocument): void {
  const amount = (minor: number) => toDecimal(money(minor, invoice.currency));
  const pln = (minor: number) => toDecimal(money(minor, "PLN"));
  const byField = new Map<string, VatGroup>();
  for (const g of invoice.vatBreakdown) {
    const field = netField(invoice, g.rate);
    const prev = byField.get(field);
    byField.set(
      field,
      prev
        ? {
            rate: g.rate,
            net: prev.net + g.net,
            vat: prev.vat + g.vat,
            gross: prev.gross + g.gross,
            vatPln: (prev.vatPln ?? 0) + (g.vatPln ?? 0),
          }
        : g,
    );
  }
  const foreign = invoice.currency !== "PLN";
  for (const field of NET_FIELDS) {
    const g = byField.get(field);
    if (!g) continue;
    w.leaf(field, amount(g.net));
    if (!TAXED_FIELDS.has(field)) continue;
    const vatField = field.replace("P_13_", "P_14_");
    w.leaf(vatField, amount(g.vat));
    if (foreign && field !== "P_13_5") {
      if (g.vatPln === undefined) throw exportError(invoice, `no VAT in PLN for rate ${g.rate}`);
      w.leaf(`${vatField}W`, pln(g.vatPln));
    }
  }
  w.leaf("P_15", amount(invoice.gross));
}

function annotations(w: XmlWriter, invoice: InvoiceDocument): void {
  const a = invoice.annotations;
  const exempt = invoice.lines.some((l) => l.vatRate === "zw");
  w.element("Adnotacje", () => {
    w.leaf("P_16", 2); // metoda kasowa: no
    w.leaf("P_17", 2); // samofakturowanie: no
    w.leaf("P_18", a.reverseCharge ? 1 : 2); // odwrotne obciążenie
    w.leaf("P_18A", a.splitPayment ? 1 : 2); // mechanizm podzielonej płatności
    w.element("Zwolnienie", () => {
      if (exempt) {
        if (!a.exemptionBasis) throw exportError(invoice, "exempt lines (zw) need the exemption basis");
        w.leaf("P_19", 1);
        w.leaf(EXEMPTION_FIELDS[a.exemptionBasis.source], token(a.exemptionBasis.provision));
      } else {
        w.leaf("P_19N", 1);
      }
    });
    w.element("NoweSrodkiTransportu", () => w.leaf("P_22N", 1));
    w.leaf("P_23", 2); // procedura uproszczona (triangulation): no
    w.element("PMarzy", () => w.leaf("P_PMarzyN", 1));
  });
}

function correction(w: XmlWriter, invoice: InvoiceDocument, options: Fa3Options): void {
  const corrected = invoice.corrected;
  if (!corrected) throw exportError(invoice, "a correction without the corrected invoice");
  w.leaf("PrzyczynaKorekty", token(corrected.reason));
  w.leaf("TypKorekty", options.correctionType ?? (invoice.net < 0 ? 2 : 1));
  w.element("DaneFaKorygowanej", () => {
    w.leaf("DataWystFaKorygowanej", corrected.issueDate);
    w.leaf("NrFaKorygowanej", token(corrected.number));
    if (options.correctedKsefNumber) {
      w.leaf("NrKSeF", 1);
      w.leaf("NrKSeFFaKorygowanej", options.correctedKsefNumber);
    } else {
      w.leaf("NrKSeFN", 1);
    }
  });
}

function payment(w: XmlWriter, invoice: InvoiceDocument): void {
  const p = invoice.payment;
  if (invoice.kind !== "VAT" || !p.paidAt) return;
  const paidOn = warsawDate(new Date(p.paidAt));
  const form = p.method ? PAYMENT_FORMS[p.method] : undefined;
  w.element("Platnosc", () => {
    w.leaf("Zaplacono", 1);
    w.leaf("DataZaplaty", paidOn);
    if (typeof form === "number") {
      w.leaf("FormaPlatnosci", form);
    } else if (typeof form === "string") {
      w.leaf("PlatnoscInna", 1);
      w.leaf("OpisPlatnosci", form);
    }
  });
}

/**
 * The FA(3) XML of a VAT invoice or a correction (`getInvoice`'s document). Throws
 * BillingConflictError `ksef_export` for what FA(3) cannot carry (an exempt line without its basis).
 */
export function invoiceToFa3Xml(invoice: InvoiceDocument, options: Fa3Options = {}): string {
  const foreign = invoice.currency !== "PLN";
  if (foreign && !invoice.exchangeRate)
    throw exportError(invoice, `a ${invoice.currency} invoice without its exchange rate`);
  const rate = invoice.exchangeRate ? decimalText(invoice.exchangeRate.rate) : undefined;
  const amount = (minor: number) => toDecimal(money(minor, invoice.currency));
  const w = new XmlWriter();
  w.start("Faktura", { xmlns: FA3_NAMESPACE });

  w.element("Naglowek", () => {
    w.leaf("KodFormularza", "FA", { kodSystemowy: FA3_SYSTEM_CODE, wersjaSchemy: FA3_SCHEMA_VERSION });
    w.leaf("WariantFormularza", 3);
    w.leaf("DataWytworzeniaFa", (options.generatedAt ?? new Date()).toISOString());
    w.leaf("SystemInfo", token(options.systemInfo ?? "hrdkit"));
  });

  const seller = invoice.seller;
  w.element("Podmiot1", () => {
    w.element("DaneIdentyfikacyjne", () => {
      w.leaf("NIP", seller.nip);
      w.leaf("Nazwa", token(seller.name));
    });
    address(w, "Adres", seller);
    contact(w, seller.email, seller.phone);
  });

  const buyer = invoice.buyer;
  w.element("Podmiot2", () => {
    w.element("DaneIdentyfikacyjne", () => buyerId(w, buyer));
    address(w, "Adres", buyer);
    contact(w, buyer.email, undefined);
    w.leaf("JST", 2); // not a subordinate unit of local government
    w.leaf("GV", 2); // not a member of a VAT group
  });

  w.element("Fa", () => {
    w.leaf("KodWaluty", invoice.currency);
    w.leaf("P_1", invoice.issueDate);
    w.leaf("P_1M", invoice.place ? token(invoice.place) : undefined);
    w.leaf("P_2", token(invoice.number));
    w.leaf("P_6", invoice.saleDate);
    totals(w, invoice);
    annotations(w, invoice);
    w.leaf("RodzajFaktury", invoice.kind);
    if (invoice.kind === "KOR") correction(w, invoice, options);
    const notes: { row?: number; key: string; value: string }[] = [];
    if (invoice.exchangeRate) {
      const r = invoice.exchangeRate;
      notes.push({
        key: "Kurs waluty",
        value: `1 ${invoice.currency} = ${rate} PLN, średni kurs NBP, tabela ${r.table} z dnia ${r.date}`,
      });
    }
    // NrWierszaFa is "kolejny numer wiersza": rows 1…n in document order. A correction stores its
    // rows as 2p−1/2p of the corrected line p (1, 2, 9, 10…); that numbering stays internal.
    const rows = invoice.lines.map((l, i) => ({ ...l, row: i + 1 }));
    for (const l of rows) {
      if (l.serviceFrom && l.serviceTo) {
        notes.push({ row: l.row, key: "Okres usługi", value: `${l.serviceFrom} – ${l.serviceTo}` });
      }
    }
    for (const n of notes) {
      w.element("DodatkowyOpis", () => {
        w.leaf("NrWiersza", n.row);
        w.leaf("Klucz", n.key);
        w.leaf("Wartosc", token(n.value));
      });
    }
    // The gross method (art. 106e ust. 7–8): unit gross price and gross value (P_9B, P_11A)
    // instead of the net ones, so each row is quantity × P_9B − P_10 = P_11A and the rows of a
    // rate add up to its P_13_x + P_14_x.
    const gross = invoice.lines.every((l) => l.unitGross !== undefined);
    for (const l of rows) {
      w.element("FaWiersz", () => {
        w.leaf("NrWierszaFa", l.row);
        w.leaf("P_7", token(l.name));
        w.leaf("P_8A", UNIT_OF_MEASURE);
        w.leaf("P_8B", l.quantity);
        w.leaf("P_9A", gross ? undefined : amount(l.unitNet));
        w.leaf("P_9B", gross ? amount(l.unitGross!) : undefined);
        w.leaf("P_10", l.discount > 0 ? amount(l.discount) : undefined);
        w.leaf("P_11", gross ? undefined : amount(l.net));
        w.leaf("P_11A", gross ? amount(l.gross) : undefined);
        w.leaf("P_12", l.vatRate);
        w.leaf("KursWaluty", foreign ? rate : undefined);
        w.leaf("StanPrzed", l.state === "before" ? 1 : undefined);
      });
    }
    payment(w, invoice);
  });

  w.end();
  return w.toString();
}
