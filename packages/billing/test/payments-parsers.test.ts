import { readFileSync } from "node:fs";
import { BillingValidationError } from "@hrdkit/billing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeCp852,
  decodeStatement,
  findProformaNumbers,
  parseCsvStatement,
  parseMt940,
  type StatementEntry,
} from "../src/payments/index.js";
import { entryKeys } from "../src/payments/statement.js";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/statements/${name}`, import.meta.url));

/**
 * The Polish letters' bytes, typed from the code page charts (not from the code under test):
 * Windows-1250 and CP852 (IBM 852, DOS Latin-2).
 */
const WINDOWS_1250: Record<string, number> = {
  ą: 0xb9,
  ć: 0xe6,
  ę: 0xea,
  ł: 0xb3,
  ń: 0xf1,
  ó: 0xf3,
  ś: 0x9c,
  ź: 0x9f,
  ż: 0xbf,
  Ą: 0xa5,
  Ć: 0xc6,
  Ę: 0xca,
  Ł: 0xa3,
  Ń: 0xd1,
  Ó: 0xd3,
  Ś: 0x8c,
  Ź: 0x8f,
  Ż: 0xaf,
};
const CP852: Record<string, number> = {
  ą: 0xa5,
  ć: 0x86,
  ę: 0xa9,
  ł: 0x88,
  ń: 0xe4,
  ó: 0xa2,
  ś: 0x98,
  ź: 0xab,
  ż: 0xbe,
  Ą: 0xa4,
  Ć: 0x8f,
  Ę: 0xa8,
  Ł: 0x9d,
  Ń: 0xe3,
  Ó: 0xe0,
  Ś: 0x97,
  Ź: 0x8d,
  Ż: 0xbd,
};

/** Text (ASCII + Polish letters) → the bytes of a single-byte code page. */
function encode(text: string, table: Record<string, number>): Buffer {
  return Buffer.from(
    [...text].map((ch) => {
      if (ch.charCodeAt(0) < 0x80) return ch.charCodeAt(0);
      const b = table[ch];
      if (b === undefined) throw new Error(`no byte for ${ch}`);
      return b;
    }),
  );
}

describe("MT940, PKO BP dialect (~NN sub-fields)", () => {
  const s = parseMt940(fixture("pko-2026-03-02.sta"));

  it("reads the statement frame: reference, account, number, balances", () => {
    expect(s.encoding).toBe("utf-8");
    expect(s.account).toBe("PL61109010140000071219812874");
    expect(s.sections).toEqual([
      {
        reference: "ST260302/1",
        account: "PL61109010140000071219812874",
        number: "00061/1",
        currency: "PLN",
        openingBalance: { amount: 100_000, currency: "PLN" },
        closingBalance: { amount: 191_977, currency: "PLN" },
        entries: 7,
      },
    ]);
  });

  it("reads each entry: booking date, signed amount with comma decimals, references, details", () => {
    const [e1, e2, e3] = s.entries;
    expect(e1).toMatchObject({
      bookedOn: "2026-03-02",
      valueDate: "2026-03-02",
      amount: { amount: 36_900, currency: "PLN" },
      mark: "C",
      bankReference: "260302000001",
      customerReference: null,
      code: "PRZELEW PRZYCHODZĄCY",
      // ~20 was cut at 27 characters in the middle of the number, and the line in the middle of a word
      title: "Zapłata za proformę PRO/2026/03/1 domena żółw.pl",
      counterparty: "JAN KOWALSKI UL. ŁĄKOWA 5 00-950 WARSZAWA",
      counterpartyAccount: "PL60102010260000123456789012",
    });
    // no ~38: the IBAN is rebuilt from ~30 (bank) and ~31 (account) with its check digits
    expect(e2).toMatchObject({ title: "pro 2026 03 2", counterpartyAccount: "PL57114020040000300201234567" });
    expect(e2!.counterparty).toBe('FIRMA "ŚWIT" SP. Z O.O.');
    expect(e3).toMatchObject({ mark: "D", amount: { amount: -5_000, currency: "PLN" } });
  });

  it("keeps an entry without a bank reference and with free-text :86: lines", () => {
    const e7 = s.entries[6]!;
    expect(e7).toMatchObject({
      bankReference: null,
      customerReference: null,
      title: "Darowizna dla fundacji od Anny",
      counterpartyAccount: null,
    });
  });
});

describe("MT940, another bank's dialect (<NN sub-fields, CP852)", () => {
  const s = parseMt940(fixture("other-bank-cp852.sta"));

  it("detects CP852 and reads the Polish letters", () => {
    expect(s.encoding).toBe("cp852");
    expect(s.entries[1]).toMatchObject({
      title: "Płatność za pro/2026/03/7 certyfikat SSL",
      counterparty: "Łódzka Spółdzielnia Żółć",
      counterpartyAccount: "PL69102010260000999988887777",
      code: "Przelew przychodzący",
      bankReference: "BNK0002",
      customerReference: "20260304ABC",
    });
  });

  it("takes the booking date from :61:, across New Year", () => {
    expect(s.entries[0]).toMatchObject({ valueDate: "2025-12-31", bookedOn: "2026-01-02" });
  });

  it("reads the own account given as bank/account", () => {
    expect(s.account).toBe("PL61109010140000071219812874");
  });

  it("reads the same entry the same way in both dialects", () => {
    const body = (sep: string) =>
      `:20:X\n:25:/PL61109010140000071219812874\n:60F:C260301PLN0,00\n:61:2603020302C12,30N240NONREF//R1\n` +
      `:86:240${sep}00PRZELEW${sep}20Zapłata ${sep}21PRO/2026/03/1${sep}32Jan Kowalski${sep}38PL60102010260000123456789012\n` +
      ":62F:C260302PLN12,30\n";
    const tilde = parseMt940(Buffer.from(body("~"))).entries[0];
    const angle = parseMt940(Buffer.from(body("<"))).entries[0];
    expect(angle).toEqual(tilde);
    expect(tilde).toMatchObject({ title: "Zapłata PRO/2026/03/1", counterparty: "Jan Kowalski" });
  });
});

describe("MT940 text encodings", () => {
  const utf8 = fixture("pko-2026-03-02.sta");
  const text = utf8.toString("utf-8");
  const reference = parseMt940(utf8).entries;

  it("reads the same statement written in UTF-8, Windows-1250 and CP852 alike", () => {
    const win = parseMt940(encode(text, WINDOWS_1250));
    const dos = parseMt940(encode(text, CP852));
    expect(win.encoding).toBe("windows-1250");
    expect(dos.encoding).toBe("cp852");
    expect(win.entries).toEqual(reference);
    expect(dos.entries).toEqual(reference);
  });

  it("decides by the Polish letters, and takes valid UTF-8 as UTF-8", () => {
    const sample = "Zażółć gęślą jaźń ZAŻÓŁĆ GĘŚLĄ JAŹŃ";
    expect(decodeStatement(encode(sample, CP852))).toEqual({ text: sample, encoding: "cp852" });
    expect(decodeStatement(encode(sample, WINDOWS_1250))).toEqual({ text: sample, encoding: "windows-1250" });
    expect(decodeStatement(Buffer.from(`\ufeff${sample}`))).toEqual({ text: sample, encoding: "utf-8" });
    expect(decodeStatement(Buffer.from("PRO/2026/03/1"))).toEqual({
      text: "PRO/2026/03/1",
      encoding: "utf-8",
    });
  });

  it("decodes every CP852 byte to its own character, the Polish letters where the chart puts them", () => {
    const all = decodeCp852(Uint8Array.from({ length: 256 }, (_, i) => i));
    expect([...all]).toHaveLength(256);
    expect(new Set(all).size).toBe(256);
    for (const [letter, byte] of Object.entries(CP852)) expect(decodeCp852(Uint8Array.of(byte))).toBe(letter);
  });
});

describe("MT940 marks, wrapping and refusals", () => {
  const statement = (entries: string, closing: string) =>
    Buffer.from(
      `:20:T\n:25:/PL61109010140000071219812874\n:60F:C260301PLN100,00\n${entries}:62F:${closing}\n-\n`,
    );

  it("signs C and RD as money in, D and RC as money out; reads amounts like 5, and 0,5", () => {
    const s = parseMt940(
      statement(
        ":61:260302C5,N240NONREF\n:61:260302D0,5N240NONREF\n:61:260302RC1,25N240NONREF\n:61:260302RD2,00N240NONREF\n",
        "C260302PLN105,25",
      ),
    );
    expect(s.entries.map((e) => [e.mark, e.amount.amount])).toEqual([
      ["C", 500],
      ["D", -50],
      ["RC", -125],
      ["RD", 200],
    ]);
  });

  it("joins a title the bank cut at 27 characters over ~20–~25 back together", () => {
    const s = parseMt940(
      statement(
        ":61:260302C1,00N240NONREF//A\n:86:240~20Opłata za proformę nr PRO/2~21026/03/17 za domenę przykła~22d.pl i opcję~23 DNS\n",
        "C260302PLN101,00",
      ),
    );
    expect(s.entries[0]!.title).toBe(
      "Opłata za proformę nr PRO/2026/03/17 za domenę przykład.pl i opcję DNS",
    );
  });

  it("names every bad line at once, and a statement whose balances do not add up", () => {
    const bad = statement(
      ":61:2613020302C12,00N240NONREF\n:61:260302X12,00N240NONREF\n:61:260302C7,00N240NONREF\n",
      "C260302PLN100,00",
    );
    let error: unknown;
    try {
      parseMt940(bad);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(BillingValidationError);
    const issues = (error as BillingValidationError).issues;
    expect(issues.map((i) => i.path)).toEqual(["content", "content", "content"]);
    expect(issues[0]!.message).toMatch(/^line 4 \(:61:\): invalid date/);
    expect(issues[1]!.message).toMatch(/^line 5 \(:61:\)/);
    expect(issues[2]!.message).toMatch(/opening balance 10000 \+ entries 700 ≠ closing balance 10000/);
    expect(() => parseMt940(Buffer.from("Data;Kwota\n2026-03-01;12,00\n"))).toThrow(/not an MT940 statement/);
  });

  it("reads several statements of one file, framed with SOH/ETX and SWIFT blocks as some banks send them", () => {
    const SOH = String.fromCharCode(1);
    const ETX = String.fromCharCode(3);
    const message = (ref: string, day: string, amount: string) =>
      `${SOH}{1:F01BANKPLPWAXXX0000000000}{2:I940BANKPLPWXXXXN}{4:\r\n:20:${ref}\r\n:25:/PL61109010140000071219812874\r\n` +
      `:28C:1\r\n:60F:C${day}PLN0,00\r\n:61:${day}C${amount}NTRFNONREF//${ref}\r\n:86:PRO/2026/03/1\r\n` +
      `:62F:C${day}PLN${amount}\r\n-}{5:{MAC:00000000}{CHK:123456789ABC}}${ETX}`;
    const s = parseMt940(Buffer.from(message("A1", "260302", "10,00") + message("A2", "260303", "20,00")));
    expect(s.sections.map((x) => [x.reference, x.entries, x.closingBalance?.amount])).toEqual([
      ["A1", 1, 1_000],
      ["A2", 1, 2_000],
    ]);
    expect(s.entries.map((e) => [e.bookedOn, e.amount.amount, e.bankReference, e.title])).toEqual([
      ["2026-03-02", 1_000, "A1", "PRO/2026/03/1"],
      ["2026-03-03", 2_000, "A2", "PRO/2026/03/1"],
    ]);
  });

  it("refuses a currency billing does not keep", () => {
    expect(() => parseMt940(Buffer.from(":20:T\n:60F:C260301USD0,00\n"))).toThrow(
      /currency USD is not supported/,
    );
  });
});

describe("CSV exports", () => {
  it("reads the PKO-style example: commas, quotes, decimal point, thousands", () => {
    const s = parseCsvStatement(fixture("pko-history.csv"), "pko");
    expect(s.encoding).toBe("utf-8");
    expect(s.entries.map((e) => [e.bookedOn, e.amount.amount, e.bankReference, e.title])).toEqual([
      ["2026-03-04", 36_900, "CSV000001", "PRO/2026/03/8 domena przykład.pl"],
      ["2026-03-04", -4_510, "CSV000002", 'Sklep, zakupy "Pod Lipą"'],
      ["2026-03-05", 100_000, "CSV000003", "zwrot pożyczki"],
    ]);
    expect(s.entries[0]).toMatchObject({
      counterparty: "ZOFIA NOWAK",
      counterpartyAccount: "PL23249010440000120034005600",
      code: "Przelew na konto",
    });
  });

  it("reads the mBank-style example: Windows-1250, lines above the header, # headers, 1 230,00", () => {
    const s = parseCsvStatement(fixture("mbank-history.csv"), "mbank");
    expect(s.encoding).toBe("windows-1250");
    expect(s.entries).toHaveLength(2); // the totals under the empty line are not entries
    expect(s.entries[0]).toMatchObject({
      bookedOn: "2026-03-05",
      amount: { amount: 123_000, currency: "PLN" },
      title: "PRO 2026 03 9 opłata",
      counterparty: "ANNA WIŚNIEWSKA UL. POLNA 1",
      counterpartyAccount: "PL11105010121000009012345678",
      code: "PRZELEW ZEWNĘTRZNY PRZYCHODZĄCY",
    });
    expect(s.entries[1]!.amount.amount).toBe(-10_000);
  });

  it("takes a mapping by position without a header, with day-first dates and quoted line breaks", () => {
    const s = parseCsvStatement(
      '05.03.2026,"12,50","Opłata\nPRO/2026/03/1",EUR\n06/03/2026,"-1 000,00",Przelew,EUR\n',
      {
        separator: ",",
        decimal: ",",
        header: false,
        columns: { date: 0, amount: 1, title: 2, currency: 3 },
      },
    );
    expect(s.entries.map((e) => [e.bookedOn, e.amount, e.title])).toEqual([
      ["2026-03-05", { amount: 1_250, currency: "EUR" }, "Opłata PRO/2026/03/1"],
      ["2026-03-06", { amount: -100_000, currency: "EUR" }, "Przelew"],
    ]);
  });

  it("names the missing header column, each bad row, and a mapping that cannot work", () => {
    expect(() => parseCsvStatement("Data;Kwota\n2026-03-01;12,00\n", "mbank")).toThrow(
      /no header row with a column "Data księgowania" \(date\)/,
    );
    let error: unknown;
    try {
      parseCsvStatement("Data;Kwota;Tytuł\n2026-02-30;12,00;a\n2026-03-01;12.000,001;b\n", {
        columns: { date: "Data", amount: "Kwota", title: "Tytuł" },
      });
    } catch (err) {
      error = err;
    }
    expect((error as BillingValidationError).issues.map((i) => i.message)).toEqual([
      'line 2: "2026-02-30" in column Data is not a date',
      'line 3: "12.000,001" in column Kwota is not an amount',
    ]);
    expect(() =>
      parseCsvStatement("x", { header: false, columns: { date: "Data", amount: 1, title: 2 } }),
    ).toThrow(/header: columns given by name need a header row/);
  });
});

describe("proforma numbers in titles", () => {
  const PATTERNS = ["PRO/{YYYY}/{MM}/{N}"];

  it.each([
    ["Zapłata za PRO/2026/11/7", ["PRO/2026/11/7"]],
    ["PRO 2026 11 7", ["PRO/2026/11/7"]],
    ["pro/2026/11/7", ["PRO/2026/11/7"]],
    ["Pro-2026-11-07 domena", ["PRO/2026/11/7"]],
    ["PRO / 2026 / 11 / 7", ["PRO/2026/11/7"]],
    ["PRO2026/1/17", ["PRO/2026/01/17"]],
    ["PRO/2026/11/7 oraz PRO/2026/11/70", ["PRO/2026/11/7", "PRO/2026/11/70"]],
    ["proforma 2026/11/7", []],
    ["PRO2026117", []],
    ["NIEPRO/2026/11/7", []],
  ])("%s → %j", (title, expected) => {
    expect(findProformaNumbers([title], PATTERNS)).toEqual(expected);
  });

  it("finds the number however a person separates or cases it (property)", () => {
    const sep = fc.constantFrom("/", " ", "-", " / ", ".", "_", "/ ");
    fc.assert(
      fc.property(
        fc.integer({ min: 2000, max: 2099 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 99_999 }),
        fc.tuple(sep, sep, sep),
        fc.boolean(),
        fc.boolean(),
        fc.string({ maxLength: 10 }).map((s) => s.replace(/[\p{L}\p{N}]/gu, "")),
        (year, month, n, [a, b, c], lower, pad, around) => {
          const mm = pad ? String(month).padStart(2, "0") : String(month);
          const written = `${lower ? "pro" : "PRO"}${a}${year}${b}${mm}${c}${pad ? `00${n}` : n}`;
          const canonical = `PRO/${year}/${String(month).padStart(2, "0")}/${n}`;
          expect(findProformaNumbers([`Tytuł${around} ${written}${around}`], PATTERNS)).toEqual([canonical]);
        },
      ),
    );
  });
});

describe("entry keys", () => {
  const entry = (over: Partial<StatementEntry>): StatementEntry => ({
    bookedOn: "2026-03-02",
    valueDate: "2026-03-02",
    amount: { amount: 1_000, currency: "PLN" },
    mark: "C",
    bankReference: null,
    customerReference: null,
    title: "Darowizna",
    titleCompact: "Darowizna",
    counterparty: null,
    counterpartyAccount: null,
    code: null,
    details: {},
    line: 1,
    ...over,
  });

  it("uses the bank reference, day and amount; the same entry in another statement has the same key", () => {
    const a = entryKeys([entry({ bankReference: "R1" }), entry({ bankReference: "R2" })]);
    expect(a).toEqual(["R1|2026-03-02|1000PLN", "R2|2026-03-02|1000PLN"]);
    expect(entryKeys([entry({ bankReference: "R2", line: 40 })])).toEqual([a[1]]);
  });

  it("tells identical entries without a reference apart by their order in the file", () => {
    const [one, two, other] = entryKeys([entry({}), entry({}), entry({ title: "Inny" })]);
    expect(two).toBe(`${one}#2`);
    expect(new Set([one, two, other]).size).toBe(3);
  });
});
