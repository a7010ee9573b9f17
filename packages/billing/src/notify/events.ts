/**
 * The catalogue of notices billing can send, as data: for each kind of event, the variables its
 * templates may name (with a realistic Polish sample, which previews and tests render with) and
 * the channels on which such a notice makes sense. Template validation, the variables check of
 * `renderNotice`, the template editor's list of placeholders and the samples all come from here,
 * so a variable is declared once.
 *
 * Values arrive preformatted, as the customer should read them: money as a Polish string made by
 * `formatMoney` (`"49,19 zł"`, never grosze), dates as `"30.03.2026"`. Templates never compute.
 */
import type { NotifyChannel } from "./ports.js";

export const NOTICE_LANGUAGES = ["pl", "en"] as const;
export type NoticeLanguage = (typeof NOTICE_LANGUAGES)[number];

export const NOTICE_EVENTS = [
  "proforma.issued",
  "renewal.reminder",
  "payment.received",
  "payment.partial",
  "payment.overpaid",
  "service.activated",
  "invoice.issued",
  "invoice.corrected",
  "domain.expired",
  "transfer.progress",
  "trade.progress",
  "certificate.issued",
  "certificate.expiring",
  "offer",
] as const;
export type NoticeEvent = (typeof NOTICE_EVENTS)[number];

/**
 * - `text`: any text (with `values`: one of a closed list, for `{{#if (eq stage "completed")}}`);
 * - `money`: a preformatted Polish amount, e.g. `"49,19 zł"` (formatMoney), not a number;
 * - `date`: a preformatted date, e.g. `"30.03.2026"`;
 * - `url`: an absolute http(s) address;
 * - `integer`, `boolean`;
 * - `list`: an array of records whose fields are `fields` (for `{{#each}}`).
 */
export type NoticeVariableType = "text" | "money" | "date" | "url" | "integer" | "boolean" | "list";

export type NoticeScalar = string | number | boolean;
export type NoticeSample = NoticeScalar | readonly Readonly<Record<string, NoticeScalar>>[];

export interface NoticeVariable {
  /** The name templates use: `{{customerName}}`. */
  name: string;
  type: NoticeVariableType;
  /** A required variable must be given to `renderNotice`; an optional one may be absent (renders empty). */
  required: boolean;
  description: { pl: string; en: string };
  /** A realistic value, for previews and tests. */
  sample: NoticeSample;
  /** `text` only: the values it can take. */
  values?: readonly string[];
  /** `list` only: the fields of each item. */
  fields?: readonly NoticeVariable[];
  /** Filled from the branding (seller settings, panel address) when the caller does not pass it. */
  fromBranding?: "sellerName" | "sellerEmail" | "sellerPhone" | "panelUrl";
}

export interface NoticeEventSpec {
  event: NoticeEvent;
  description: { pl: string; en: string };
  /** Channels a notice of this kind may go out on; templates exist (and may be saved) only for these. */
  channels: readonly NotifyChannel[];
  /** Marketing: only to customers who consented, always with a way to unsubscribe. */
  marketing: boolean;
  /** Common variables first, then the event's own. */
  variables: readonly NoticeVariable[];
}

type Opts = Pick<NoticeVariable, "values" | "fields" | "fromBranding">;

function req(
  name: string,
  type: NoticeVariableType,
  sample: NoticeSample,
  pl: string,
  en: string,
  opts: Opts = {},
): NoticeVariable {
  return { name, type, required: true, description: { pl, en }, sample, ...opts };
}

function opt(
  name: string,
  type: NoticeVariableType,
  sample: NoticeSample,
  pl: string,
  en: string,
  opts: Opts = {},
): NoticeVariable {
  return { ...req(name, type, sample, pl, en, opts), required: false };
}

/** Every template may name these. The seller's name, e-mail and phone come from the branding. */
export const COMMON_VARIABLES: readonly NoticeVariable[] = [
  req(
    "customerName",
    "text",
    "Anna Wiśniewska",
    "Imię i nazwisko lub nazwa firmy klienta",
    "The customer's name or company name",
  ),
  req(
    "sellerName",
    "text",
    "Żółw Hosting Sp. z o.o.",
    "Nazwa partnera (sprzedawcy)",
    "The partner's (seller's) name",
    { fromBranding: "sellerName" },
  ),
  req(
    "sellerEmail",
    "text",
    "biuro@zolwhosting.pl",
    "Adres e-mail partnera do kontaktu",
    "The partner's contact e-mail address",
    { fromBranding: "sellerEmail" },
  ),
  opt(
    "sellerPhone",
    "text",
    "+48 22 100 20 30",
    "Telefon partnera do kontaktu",
    "The partner's contact phone number",
    {
      fromBranding: "sellerPhone",
    },
  ),
  req(
    "panelUrl",
    "url",
    "https://panel.zolwhosting.pl",
    "Adres panelu klienta",
    "The customer panel's address",
    { fromBranding: "panelUrl" },
  ),
];

const SERVICE_KINDS = ["domain", "option", "ssl", "hosting"] as const;

const serviceKind = req(
  "serviceKind",
  "text",
  "domain",
  "Rodzaj usługi: domain (domena), option (opcja na domenę), ssl (certyfikat), hosting",
  "Kind of service: domain, option (a domain option), ssl (certificate), hosting",
  { values: SERVICE_KINDS },
);
const domainName = req("domainName", "text", "wisniewska-ceramika.pl", "Nazwa domeny", "The domain name");
const bankAccount = req(
  "bankAccount",
  "text",
  "61 1090 1014 0000 0712 1981 2874",
  "Numer rachunku do wpłaty",
  "The bank account to pay to",
);
const transferTitle = req(
  "transferTitle",
  "text",
  "PRO/2026/03/41",
  "Tytuł przelewu",
  "The transfer title to use",
);
const paymentUrl = opt(
  "paymentUrl",
  "url",
  "https://panel.zolwhosting.pl/platnosci/PRO-2026-03-41",
  "Link do płatności online (gdy partner ją oferuje)",
  "Online payment link (when the partner offers one)",
);
const receivedOn = req(
  "receivedOn",
  "date",
  "18.03.2026",
  "Data zaksięgowania wpłaty",
  "Date the payment was booked",
);
const daysLeft = req("daysLeft", "integer", 14, "Liczba dni do wygaśnięcia", "Days until expiry");
const renewalPrice = opt(
  "renewalPrice",
  "money",
  "49,19 zł",
  "Cena odnowienia brutto, np. „49,19 zł”",
  "Gross renewal price, e.g. “49,19 zł”",
);
const renewUrl = req(
  "renewUrl",
  "url",
  "https://panel.zolwhosting.pl/uslugi/1042/odnow",
  "Link do odnowienia w panelu klienta",
  "Link to renew in the customer panel",
);
const documentUrl = opt(
  "documentUrl",
  "url",
  "https://panel.zolwhosting.pl/dokumenty/FV-2026-03-17",
  "Link do pobrania dokumentu",
  "Link to download the document",
);
const reason = opt(
  "reason",
  "text",
  "Nieprawidłowy kod AuthInfo",
  "Powód odrzucenia (gdy jest znany)",
  "Why it was rejected (when known)",
);
const actionUrl = opt(
  "actionUrl",
  "url",
  "https://panel.zolwhosting.pl/domeny/wisniewska-ceramika.pl",
  "Link do potwierdzenia lub szczegółów",
  "Link to confirm or to the details",
);
const commonName = req(
  "commonName",
  "text",
  "sklep.wisniewska-ceramika.pl",
  "Nazwa (CN), dla której wystawiono certyfikat",
  "The name (CN) the certificate is for",
);
const productName = req("productName", "text", "PositiveSSL", "Nazwa certyfikatu", "The certificate product");

function spec(
  event: NoticeEvent,
  channels: readonly NotifyChannel[],
  pl: string,
  en: string,
  own: readonly NoticeVariable[],
  marketing = false,
): NoticeEventSpec {
  return { event, description: { pl, en }, channels, marketing, variables: [...COMMON_VARIABLES, ...own] };
}

export const NOTICE_CATALOGUE: Readonly<Record<NoticeEvent, NoticeEventSpec>> = {
  "proforma.issued": spec(
    "proforma.issued",
    ["email", "sms"],
    "Wystawiono proformę: do zamówienia, na odnowienie albo ręcznie",
    "A proforma was issued: for an order, for a renewal, or by hand",
    [
      req(
        "variant",
        "text",
        "order",
        "Skąd proforma: order (zamówienie), renewal (odnowienie), manual (wystawiona ręcznie)",
        "Where the proforma comes from: order, renewal, manual (issued by hand)",
        { values: ["order", "renewal", "manual"] },
      ),
      req("proformaNumber", "text", "PRO/2026/03/41", "Numer proformy", "The proforma's number"),
      req("issueDate", "date", "16.03.2026", "Data wystawienia", "Issue date"),
      req("dueDate", "date", "30.03.2026", "Termin płatności", "Payment due date"),
      req("amountGross", "money", "49,19 zł", "Kwota proformy brutto", "The proforma's gross total"),
      req(
        "amountToPay",
        "money",
        "49,19 zł",
        "Kwota do zapłaty (po wpłatach i saldzie)",
        "Amount to pay (after payments and balance)",
      ),
      bankAccount,
      transferTitle,
      paymentUrl,
      req(
        "items",
        "list",
        [{ name: "Rejestracja domeny wisniewska-ceramika.pl na 1 rok", amountGross: "49,19 zł" }],
        "Pozycje proformy",
        "The proforma's lines",
        {
          fields: [
            req(
              "name",
              "text",
              "Rejestracja domeny wisniewska-ceramika.pl na 1 rok",
              "Nazwa pozycji",
              "Line name",
            ),
            req("amountGross", "money", "49,19 zł", "Kwota pozycji brutto", "Line gross amount"),
          ],
        },
      ),
    ],
  ),
  "renewal.reminder": spec(
    "renewal.reminder",
    ["email", "sms", "phone"],
    "Przypomnienie o zbliżającym się wygaśnięciu usługi (wysyłane na ustaloną liczbę dni przed)",
    "Reminder that a service expires soon (sent a configured number of days before)",
    [
      serviceKind,
      req(
        "serviceName",
        "text",
        "wisniewska-ceramika.pl",
        "Nazwa usługi (np. domena)",
        "Service name (e.g. domain)",
      ),
      req("expiresOn", "date", "15.04.2026", "Data wygaśnięcia", "Expiry date"),
      daysLeft,
      renewalPrice,
      renewUrl,
      opt(
        "proformaNumber",
        "text",
        "PRO/2026/03/52",
        "Numer proformy na odnowienie, jeśli już wystawiona",
        "The renewal proforma's number, if already issued",
      ),
    ],
  ),
  "payment.received": spec(
    "payment.received",
    ["email", "sms"],
    "Zaksięgowano wpłatę w pełnej kwocie",
    "A payment in full was booked",
    [
      req("amount", "money", "49,19 zł", "Kwota wpłaty", "Amount paid"),
      receivedOn,
      opt("proformaNumber", "text", "PRO/2026/03/41", "Numer opłaconej proformy", "The proforma paid"),
    ],
  ),
  "payment.partial": spec(
    "payment.partial",
    ["email", "sms"],
    "Zaksięgowano wpłatę niższą niż kwota proformy",
    "A payment lower than the proforma's total was booked",
    [
      req("amount", "money", "30,00 zł", "Kwota wpłaty", "Amount paid"),
      receivedOn,
      req("proformaNumber", "text", "PRO/2026/03/41", "Numer proformy", "The proforma's number"),
      req("amountRemaining", "money", "19,19 zł", "Kwota pozostała do zapłaty", "Amount still to pay"),
      req("dueDate", "date", "30.03.2026", "Termin płatności", "Payment due date"),
      bankAccount,
      transferTitle,
      paymentUrl,
    ],
  ),
  "payment.overpaid": spec(
    "payment.overpaid",
    ["email", "sms"],
    "Zaksięgowano wpłatę wyższą niż należność; nadpłata trafiła na saldo",
    "A payment above the amount due was booked; the surplus went to the balance",
    [
      req("amount", "money", "60,00 zł", "Kwota wpłaty", "Amount paid"),
      receivedOn,
      opt("proformaNumber", "text", "PRO/2026/03/41", "Numer opłaconej proformy", "The proforma paid"),
      req("overpaidAmount", "money", "10,81 zł", "Kwota nadpłaty", "The surplus"),
      opt(
        "balance",
        "money",
        "10,81 zł",
        "Saldo klienta po tej wpłacie",
        "The customer's balance after this payment",
      ),
    ],
  ),
  "service.activated": spec(
    "service.activated",
    ["email", "sms"],
    "Usługa została aktywowana (zarejestrowana, odnowiona, przeniesiona)",
    "A service was activated (registered, renewed, transferred)",
    [
      serviceKind,
      req(
        "serviceName",
        "text",
        "wisniewska-ceramika.pl",
        "Nazwa usługi (np. domena)",
        "Service name (e.g. domain)",
      ),
      req("periodYears", "integer", 1, "Okres w latach", "Period in years"),
      req("expiresOn", "date", "18.03.2027", "Ważna do", "Valid until"),
      opt(
        "manageUrl",
        "url",
        "https://panel.zolwhosting.pl/uslugi/1042",
        "Link do zarządzania usługą",
        "Link to manage the service",
      ),
    ],
  ),
  "invoice.issued": spec("invoice.issued", ["email"], "Wystawiono fakturę VAT", "A VAT invoice was issued", [
    req("invoiceNumber", "text", "FV/2026/03/17", "Numer faktury", "Invoice number"),
    req("issueDate", "date", "18.03.2026", "Data wystawienia", "Issue date"),
    req("amountGross", "money", "49,19 zł", "Kwota brutto", "Gross total"),
    req("paid", "boolean", true, "Czy faktura jest już opłacona", "Whether the invoice is already paid"),
    opt(
      "dueDate",
      "date",
      "01.04.2026",
      "Termin płatności (gdy nieopłacona)",
      "Payment due date (when unpaid)",
    ),
    documentUrl,
  ]),
  "invoice.corrected": spec(
    "invoice.corrected",
    ["email"],
    "Wystawiono fakturę korygującą",
    "A corrective invoice was issued",
    [
      req("correctionNumber", "text", "FK/2026/04/3", "Numer faktury korygującej", "Correction number"),
      req(
        "correctedNumber",
        "text",
        "FV/2026/03/17",
        "Numer korygowanej faktury",
        "The corrected invoice's number",
      ),
      req("issueDate", "date", "02.04.2026", "Data wystawienia korekty", "Correction issue date"),
      req(
        "reason",
        "text",
        "Zwrot za niewykorzystany okres usługi",
        "Przyczyna korekty",
        "Reason for the correction",
      ),
      req(
        "amountDifference",
        "money",
        "-24,60 zł",
        "Kwota korekty brutto (ujemna, gdy zmniejsza należność)",
        "Gross difference (negative when it lowers the amount due)",
      ),
      opt(
        "refundAmount",
        "money",
        "24,60 zł",
        "Kwota do zwrotu klientowi",
        "Amount refunded to the customer",
      ),
      documentUrl,
    ],
  ),
  "domain.expired": spec(
    "domain.expired",
    ["email", "sms", "phone"],
    "Domena wygasła (nie została odnowiona)",
    "A domain expired (was not renewed)",
    [
      domainName,
      req("expiredOn", "date", "15.04.2026", "Data wygaśnięcia", "Expiry date"),
      opt(
        "renewableUntil",
        "date",
        "15.05.2026",
        "Do kiedy domenę można jeszcze odnowić",
        "Last day the domain can still be renewed",
      ),
      renewalPrice,
      renewUrl,
    ],
  ),
  "transfer.progress": spec(
    "transfer.progress",
    ["email", "sms"],
    "Postęp transferu domeny do partnera",
    "Progress of a domain transfer to the partner",
    [
      domainName,
      req(
        "stage",
        "text",
        "started",
        "Etap: started (rozpoczęty), awaiting-confirmation (czeka na potwierdzenie), completed (zakończony), rejected (odrzucony)",
        "Stage: started, awaiting-confirmation, completed, rejected",
        { values: ["started", "awaiting-confirmation", "completed", "rejected"] },
      ),
      reason,
      actionUrl,
    ],
  ),
  "trade.progress": spec(
    "trade.progress",
    ["email", "sms"],
    "Postęp cesji domeny (zmiany abonenta)",
    "Progress of a domain trade (change of holder, “cesja”)",
    [
      domainName,
      req(
        "stage",
        "text",
        "awaiting-acceptance",
        "Etap: started (rozpoczęta), awaiting-acceptance (czeka na akceptację nowego abonenta), completed (zakończona), rejected (odrzucona)",
        "Stage: started, awaiting-acceptance (by the new holder), completed, rejected",
        { values: ["started", "awaiting-acceptance", "completed", "rejected"] },
      ),
      opt(
        "newHolder",
        "text",
        "Pracownia Ceramiki Wiśniewska Sp. z o.o.",
        "Nowy abonent domeny",
        "The domain's new holder",
      ),
      reason,
      actionUrl,
    ],
  ),
  "certificate.issued": spec(
    "certificate.issued",
    ["email"],
    "Wystawiono certyfikat SSL",
    "An SSL certificate was issued",
    [
      commonName,
      productName,
      req("validUntil", "date", "18.03.2027", "Ważny do", "Valid until"),
      opt(
        "downloadUrl",
        "url",
        "https://panel.zolwhosting.pl/ssl/3307/pobierz",
        "Link do pobrania certyfikatu",
        "Link to download the certificate",
      ),
    ],
  ),
  "certificate.expiring": spec(
    "certificate.expiring",
    ["email", "sms", "phone"],
    "Certyfikat SSL wkrótce wygaśnie",
    "An SSL certificate expires soon",
    [
      commonName,
      productName,
      req("expiresOn", "date", "15.04.2026", "Data wygaśnięcia", "Expiry date"),
      daysLeft,
      renewalPrice,
      renewUrl,
    ],
  ),
  offer: spec(
    "offer",
    ["email", "sms"],
    "Oferta handlowa napisana przez partnera (tylko dla klientów ze zgodą)",
    "A commercial offer written by the partner (only to customers who consented)",
    [
      req(
        "offerSubject",
        "text",
        "Domeny .pl za 9,99 zł w pierwszym roku",
        "Temat oferty (jedna linia)",
        "The offer's subject (one line)",
      ),
      req(
        "offerText",
        "text",
        "Dzień dobry,\n\ndo końca kwietnia rejestracja domen .pl kosztuje tylko 9,99 zł netto za pierwszy rok.\nKod rabatowy: WIOSNA26\n\nZapraszamy!",
        "Treść oferty (zwykły tekst; pusta linia zaczyna nowy akapit)",
        "The offer's text (plain text; a blank line starts a new paragraph)",
      ),
      opt("offerUrl", "url", "https://zolwhosting.pl/promocje/wiosna", "Link do oferty", "Link to the offer"),
      req(
        "unsubscribeUrl",
        "url",
        "https://panel.zolwhosting.pl/zgody/wypisz/8f3a9c2e",
        "Link do rezygnacji z ofert",
        "Link to unsubscribe from offers",
      ),
    ],
    true,
  ),
};

export function isNoticeEvent(value: string): value is NoticeEvent {
  return (NOTICE_EVENTS as readonly string[]).includes(value);
}

/** The sample values of an event's variables (optional ones included): what previews render with. */
export function sampleVariables(event: NoticeEvent): Record<string, NoticeSample> {
  return Object.fromEntries(NOTICE_CATALOGUE[event].variables.map((v) => [v.name, v.sample]));
}
