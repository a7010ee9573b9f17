/**
 * Building blocks shared by proformas, invoices and corrections: the header with the logo, the
 * parties, the lines table, the VAT summary, label/value tables and the page footer. A4 portrait,
 * Roboto, the partner's accent colour on titles, table headers and rules.
 */
import type {
  Content,
  ContentTable,
  CustomTableLayout,
  TableCell,
  TDocumentDefinitions,
} from "pdfmake/interfaces.js";
import {
  type DocumentLine,
  type Party,
  type SellerSettings,
  UNIT_OF_MEASURE,
  type VatGroup,
} from "../documents/types.js";
import type { Currency } from "../money/money.js";
import type { Logo } from "./engine.js";
import {
  addressLines,
  amount,
  bareAmount,
  euVatNumber,
  keep,
  period,
  quantity,
  rateLabel,
} from "./format.js";

export const DEFAULT_ACCENT = "#1f4e79";
const GREY = "#666666";
const RULE = "#c8c8c8";

export interface Frame {
  accent: string;
  currency: Currency;
}

/** Thin horizontal rules, no vertical ones, the header row filled with the accent colour. */
function tableLayout(accent: string, headerRows: number): CustomTableLayout {
  return {
    hLineWidth: (i, node) => (i === 0 || i === node.table.body.length ? 0.8 : 0.4),
    vLineWidth: () => 0,
    hLineColor: (i) => (i <= headerRows ? accent : RULE),
    paddingLeft: () => 3,
    paddingRight: () => 3,
    paddingTop: () => 2.5,
    paddingBottom: () => 2.5,
    fillColor: (row) => (row < headerRows ? accent : null),
  };
}

const th = (text: string, alignment: "left" | "right" | "center" = "right"): TableCell => ({
  text,
  bold: true,
  color: "#ffffff",
  alignment,
});

const num = (text: string, bold = false): TableCell => ({ text, alignment: "right", noWrap: true, bold });

/** Logo (or the seller's name) on the left; title, number and mode on the right. */
export function header(
  seller: SellerSettings,
  logo: Logo | undefined,
  accent: string,
  title: string,
  number: string,
  marks: string[],
): Content {
  return {
    columns: [
      logo
        ? { image: logo.path, fit: [170, 60], width: 180 }
        : { text: seller.name, fontSize: 13, bold: true, color: accent, width: 180 },
      {
        width: "*",
        alignment: "right",
        stack: [
          { text: title, fontSize: 17, bold: true, color: accent },
          { text: `nr ${number}`, fontSize: 12, bold: true, margin: [0, 2, 0, 0] },
          ...marks.map(
            (m): Content => ({ text: m, fontSize: 11, bold: true, color: accent, margin: [0, 3, 0, 0] }),
          ),
        ],
      },
    ],
  };
}

/** Right-aligned "label: value" rows (dates, places, terms). */
export function facts(rows: [string, string | undefined][], alignment: "left" | "right" = "right"): Content {
  const body: TableCell[][] = rows
    .filter((r): r is [string, string] => r[1] !== undefined && r[1] !== "")
    .map(([label, value]) => [
      { text: `${label}:`, color: GREY, alignment },
      { text: value, bold: true, alignment },
    ]);
  if (body.length === 0) return { text: "" };
  const table: ContentTable = {
    table: { body, widths: ["auto", "auto"] },
    layout: "noBorders",
    margin: [0, 8, 0, 0],
  };
  return alignment === "right"
    ? {
        columns: [
          { text: "", width: "*" },
          { ...table, width: "auto" },
        ],
      }
    : table;
}

export function rule(accent: string, top = 8, bottom = 8): Content {
  return {
    canvas: [{ type: "line", x1: 0, y1: 0, x2: 523, y2: 0, lineWidth: 1, lineColor: accent }],
    margin: [0, top, 0, bottom],
  };
}

export function sectionTitle(text: string, accent: string, top = 10): Content {
  return { text, bold: true, fontSize: 9, color: accent, margin: [0, top, 0, 3] };
}

/** A party's block: name, address, tax ids, contacts. A PESEL is never printed. */
export function party(title: string, p: Party | SellerSettings, accent: string): Content {
  const rows: Content[] = [
    { text: title.toUpperCase(), bold: true, color: accent, fontSize: 7.5, margin: [0, 0, 0, 2] },
    { text: p.name, bold: true, fontSize: 9 },
    ...addressLines(p.address).map((l): Content => ({ text: l })),
  ];
  if (p.nip) rows.push({ text: keep("NIP:", p.nip) });
  if ("euVat" in p && p.euVat) rows.push({ text: keep("NIP UE:", euVatNumber(p.euVat)) });
  if ("phone" in p && p.phone) rows.push({ text: keep("tel.", p.phone), color: GREY });
  if (p.email) rows.push({ text: p.email, color: GREY });
  return { stack: rows };
}

export function parties(blocks: Content[]): Content {
  return { columns: blocks.map((b) => ({ stack: [b], width: "*" })), columnGap: 14, margin: [0, 4, 0, 0] };
}

/** The name cell: name, description and the service period in smaller grey text. */
function nameCell(line: DocumentLine): TableCell {
  const stack: Content[] = [{ text: line.name }];
  if (line.description) stack.push({ text: line.description, fontSize: 7, color: GREY });
  const p = period(line.serviceFrom, line.serviceTo);
  if (p) stack.push({ text: `okres usługi: ${p}`, fontSize: 7, color: GREY });
  return { stack };
}

/** A document priced by the gross method (art. 106e ust. 7–8): every line has its unit gross price. */
const grossPriced = (lines: readonly DocumentLine[]): boolean =>
  lines.length > 0 && lines.every((l) => l.unitGross !== undefined);

/**
 * The lines: Lp., name (with period), quantity and unit, unit net, discount, net, VAT rate, VAT,
 * gross. A gross-price document (art. 106e ust. 7–8) shows the unit gross price and the gross
 * value instead, so every row is quantity × unit price − discount exactly; its net and VAT are
 * shown per rate in the VAT summary. With `totalLabel`, a last row adds the lines up (the
 * corrections' before/after tables).
 */
export function linesTable(lines: DocumentLine[], frame: Frame, totalLabel?: string): Content {
  const c = frame.currency;
  const gross = grossPriced(lines);
  const head: TableCell[] = gross
    ? [
        th("Lp.", "center"),
        th("Nazwa towaru lub usługi", "left"),
        th("Ilość"),
        th("Cena jedn. brutto"),
        th("Rabat"),
        th("Stawka VAT", "center"),
        th("Wartość brutto"),
      ]
    : [
        th("Lp.", "center"),
        th("Nazwa towaru lub usługi", "left"),
        th("Ilość"),
        th("Cena jedn. netto"),
        th("Rabat"),
        th("Wartość netto"),
        th("Stawka VAT", "center"),
        th("Kwota VAT"),
        th("Wartość brutto"),
      ];
  const body: TableCell[][] = [head];
  for (const l of lines) {
    const first: TableCell[] = [
      { text: String(l.position), alignment: "center" },
      nameCell(l),
      num(keep(quantity(l.quantity), UNIT_OF_MEASURE)),
    ];
    const discount = num(l.discount === 0 ? "–" : bareAmount(l.discount, c));
    const rate: TableCell = { text: rateLabel(l.vatRate), alignment: "center", noWrap: true };
    body.push(
      gross
        ? [...first, num(bareAmount(l.unitGross!, c)), discount, rate, num(bareAmount(l.gross, c))]
        : [
            ...first,
            num(bareAmount(l.unitNet, c)),
            discount,
            num(bareAmount(l.net, c)),
            rate,
            num(bareAmount(l.vat, c)),
            num(bareAmount(l.gross, c)),
          ],
    );
  }
  if (totalLabel) {
    const total = (k: "net" | "vat" | "gross") => lines.reduce((s, l) => s + l[k], 0);
    const blank: TableCell = { text: "" };
    body.push(
      gross
        ? [
            blank,
            { text: totalLabel, bold: true, colSpan: 4 },
            blank,
            blank,
            blank,
            blank,
            num(bareAmount(total("gross"), c), true),
          ]
        : [
            blank,
            { text: totalLabel, bold: true, colSpan: 4 },
            blank,
            blank,
            blank,
            num(bareAmount(total("net"), c), true),
            blank,
            num(bareAmount(total("vat"), c), true),
            num(bareAmount(total("gross"), c), true),
          ],
    );
  }
  return {
    table: {
      headerRows: 1,
      dontBreakRows: true,
      widths: [14, "*", ...head.slice(2).map(() => "auto" as const)],
      body,
    },
    layout: tableLayout(frame.accent, 1),
    fontSize: 7.5,
  };
}

/**
 * The VAT summary per rate (art. 106e pkt 13–14) with a total row; for EUR documents with the VAT
 * in PLN of each rate (art. 106e ust. 11).
 */
export function vatSummary(
  groups: VatGroup[],
  frame: Frame,
  totals: { net: number; vat: number; gross: number },
) {
  const c = frame.currency;
  const inPln = c !== "PLN" && groups.some((g) => g.vatPln !== undefined);
  const head = [th("Stawka VAT", "left"), th("Wartość netto"), th("Kwota VAT"), th("Wartość brutto")];
  if (inPln) head.push(th("Kwota VAT w PLN"));
  const body: TableCell[][] = [head];
  for (const g of groups) {
    const row: TableCell[] = [
      { text: rateLabel(g.rate, true) },
      num(amount(g.net, c)),
      num(amount(g.vat, c)),
      num(amount(g.gross, c)),
    ];
    if (inPln) row.push(num(g.vatPln === undefined ? "–" : amount(g.vatPln, "PLN")));
    body.push(row);
  }
  const total: TableCell[] = [
    { text: "Razem", bold: true },
    num(amount(totals.net, c), true),
    num(amount(totals.vat, c), true),
    num(amount(totals.gross, c), true),
  ];
  if (inPln) total.push(num(amount(vatPlnTotal(groups), "PLN"), true));
  body.push(total);
  const table: ContentTable = {
    table: { headerRows: 1, widths: ["*", "auto", "auto", "auto", ...(inPln ? ["auto"] : [])], body },
    layout: tableLayout(frame.accent, 1),
  };
  return {
    columns: [
      { text: "", width: "*" },
      { ...table, width: inPln ? 360 : 290 },
    ],
    margin: [0, 8, 0, 0],
  } satisfies Content;
}

export const vatPlnTotal = (groups: VatGroup[]) => groups.reduce((s, g) => s + (g.vatPln ?? 0), 0);

/** A bordered box of remarks (annotations, the proforma note, the correction's reason). */
export function box(lines: Content[], accent: string): Content {
  return {
    table: { widths: ["*"], body: [[{ stack: lines }]] },
    layout: {
      hLineWidth: () => 0.6,
      vLineWidth: () => 0.6,
      hLineColor: () => accent,
      vLineColor: () => accent,
      paddingLeft: () => 6,
      paddingRight: () => 6,
      paddingTop: () => 4,
      paddingBottom: () => 4,
    },
    margin: [0, 8, 0, 0],
  };
}

/** The big "amount due" line with the amount in words under it. */
export function due(label: string, value: string, accent: string, words?: string): Content {
  const stack: Content[] = [
    {
      text: [
        { text: `${label}: `, color: GREY },
        { text: value, bold: true, color: accent },
      ],
      fontSize: 12,
      alignment: "right",
    },
  ];
  if (words) stack.push({ text: `Słownie: ${words}`, alignment: "right", margin: [0, 2, 0, 0] });
  return { stack, margin: [0, 10, 0, 0] };
}

/** Signature-free footer: the document's number and page N of M. */
export function definition(opts: {
  title: string;
  author: string;
  /** The date the document bears: also the PDF's creation date, so the same input gives the same file. */
  date: string;
  footerLabel: string;
  content: Content[];
}): TDocumentDefinitions {
  return {
    pageSize: "A4",
    pageMargins: [36, 36, 36, 44],
    info: {
      title: opts.title,
      author: opts.author,
      subject: opts.title,
      creator: "hrdkit billing",
      producer: "hrdkit billing (pdfmake)",
      creationDate: new Date(`${opts.date}T12:00:00Z`),
    },
    defaultStyle: { font: "Roboto", fontSize: 8, lineHeight: 1.15, color: "#222222" },
    footer: (currentPage, pageCount) => ({
      columns: [
        { text: opts.footerLabel, color: GREY },
        { text: `Strona ${currentPage} z ${pageCount}`, alignment: "right", color: GREY },
      ],
      fontSize: 7,
      margin: [36, 14, 36, 0],
    }),
    content: opts.content,
  };
}
