import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { amountInWords, integerToWordsPl, pluralPl } from "../src/invoices/amount-in-words.js";
import { money } from "../src/money/money.js";

const zl = (grosze: number) => amountInWords(money(grosze, "PLN"));

// The package of the research notes, when installed (a devDependency of billing; skipped otherwise).
interface Oracle {
  currencyToWordsPL(n: number, main?: [string, string, string], sub?: [string, string, string]): string;
  integerToWordsPL(n: number, options?: { explicitSingleThousand?: boolean }): string;
}
const oracleName = "polish-number-to-words";
const oracle: Oracle | null = await import(/* @vite-ignore */ oracleName).then(
  (m: Oracle) => m,
  () => null,
);

describe("amount in words (kwota słownie)", () => {
  // Each line checked by hand against the rules of Polish grammar for numerals.
  it.each([
    [0, "zero złotych zero groszy"],
    [1, "zero złotych jeden grosz"],
    [100, "jeden złoty zero groszy"],
    [200, "dwa złote zero groszy"],
    [500, "pięć złotych zero groszy"],
    [1_200, "dwanaście złotych zero groszy"],
    [1_300, "trzynaście złotych zero groszy"],
    [1_400, "czternaście złotych zero groszy"],
    [2_200, "dwadzieścia dwa złote zero groszy"],
    [2_500, "dwadzieścia pięć złotych zero groszy"],
    [11_200, "sto dwanaście złotych zero groszy"],
    [10_200, "sto dwa złote zero groszy"],
    [25_343, "dwieście pięćdziesiąt trzy złote czterdzieści trzy grosze"],
    [100_000, "tysiąc złotych zero groszy"],
    [100_100, "tysiąc jeden złotych zero groszy"],
    [200_000, "dwa tysiące złotych zero groszy"],
    [500_000, "pięć tysięcy złotych zero groszy"],
    [1_200_000, "dwanaście tysięcy złotych zero groszy"],
    [2_200_000, "dwadzieścia dwa tysiące złotych zero groszy"],
    [11_200_000, "sto dwanaście tysięcy złotych zero groszy"],
    [200_000_000, "dwa miliony złotych zero groszy"],
    [100_000_000, "milion złotych zero groszy"],
    [500_000_000, "pięć milionów złotych zero groszy"],
    [
      123_456_789,
      "milion dwieście trzydzieści cztery tysiące pięćset sześćdziesiąt siedem złotych osiemdziesiąt dziewięć groszy",
    ],
    [4_912, "czterdzieści dziewięć złotych dwanaście groszy"],
    [4_922, "czterdzieści dziewięć złotych dwadzieścia dwa grosze"],
    [4_905, "czterdzieści dziewięć złotych pięć groszy"],
    [-12_300, "minus sto dwadzieścia trzy złote zero groszy"],
  ])("%i grosze → %s", (grosze, words) => {
    expect(zl(grosze)).toBe(words);
  });

  it("offers the 43/100 form and 'jeden tysiąc'", () => {
    expect(amountInWords(money(25_343), { form: "fraction" })).toBe(
      "dwieście pięćdziesiąt trzy złote 43/100",
    );
    expect(amountInWords(money(100_000), { form: "fraction" })).toBe("tysiąc złotych 00/100");
    expect(amountInWords(money(100_105), { explicitOne: true })).toBe(
      "jeden tysiąc jeden złotych pięć groszy",
    );
    expect(integerToWordsPl(1_001_000, { explicitOne: true })).toBe("jeden milion jeden tysiąc");
  });

  it("writes euro (undeclined) and cent/centy/centów", () => {
    expect(amountInWords(money(101, "EUR"))).toBe("jeden euro jeden cent");
    expect(amountInWords(money(223, "EUR"))).toBe("dwa euro dwadzieścia trzy centy");
    expect(amountInWords(money(1_212, "EUR"))).toBe("dwanaście euro dwanaście centów");
    expect(amountInWords(money(99_999, "EUR"), { form: "fraction" })).toBe(
      "dziewięćset dziewięćdziesiąt dziewięć euro 99/100",
    );
  });

  it("chooses the plural form by the last two digits", () => {
    const forms = ["złoty", "złote", "złotych"] as const;
    expect(
      [1, 2, 4, 5, 11, 12, 14, 21, 22, 24, 25, 102, 112, 122, 1000].map((n) => pluralPl(n, forms)),
    ).toEqual([
      "złoty",
      "złote",
      "złote",
      "złotych",
      "złotych",
      "złotych",
      "złotych",
      "złotych",
      "złote",
      "złote",
      "złotych",
      "złote",
      "złotych",
      "złote",
      "złotych",
    ]);
  });

  // An independent oracle: a parser of Polish numerals written for this test reads the words back.
  const VALUES: Record<string, number> = {
    zero: 0,
    jeden: 1,
    dwa: 2,
    trzy: 3,
    cztery: 4,
    pięć: 5,
    sześć: 6,
    siedem: 7,
    osiem: 8,
    dziewięć: 9,
    dziesięć: 10,
    jedenaście: 11,
    dwanaście: 12,
    trzynaście: 13,
    czternaście: 14,
    piętnaście: 15,
    szesnaście: 16,
    siedemnaście: 17,
    osiemnaście: 18,
    dziewiętnaście: 19,
    dwadzieścia: 20,
    trzydzieści: 30,
    czterdzieści: 40,
    pięćdziesiąt: 50,
    sześćdziesiąt: 60,
    siedemdziesiąt: 70,
    osiemdziesiąt: 80,
    dziewięćdziesiąt: 90,
    sto: 100,
    dwieście: 200,
    trzysta: 300,
    czterysta: 400,
    pięćset: 500,
    sześćset: 600,
    siedemset: 700,
    osiemset: 800,
    dziewięćset: 900,
  };
  const SCALE: Record<string, number> = {};
  for (const [i, stem] of ["tysi", "milion", "miliard", "bilion"].entries()) {
    for (const form of stem === "tysi" ? ["tysiąc", "tysiące", "tysięcy"] : [stem, `${stem}y`, `${stem}ów`]) {
      SCALE[form] = 1000 ** (i + 1);
    }
  }
  function parse(words: string): number {
    let total = 0;
    let group = 0;
    for (const w of words.split(" ")) {
      if (w in VALUES) group += VALUES[w]!;
      else if (w in SCALE) {
        total += (group || 1) * SCALE[w]!;
        group = 0;
      } else throw new Error(`not a numeral: ${w}`);
    }
    return total + group;
  }
  const expectedForm = (n: number) => {
    if (n === 1) return 0;
    const t = n % 100;
    return t % 10 >= 2 && t % 10 <= 4 && !(t >= 12 && t <= 14) ? 1 : 2;
  };

  it("reads back as the same amount, with the right złoty and grosz forms (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: -99_999_999_999_99, max: 99_999_999_999_99 }), (grosze) => {
        const text = zl(grosze);
        const m = /^(minus )?(.+) (złoty|złote|złotych) (.+) (grosz|grosze|groszy)$/.exec(text);
        expect(m, text).not.toBeNull();
        const abs = Math.abs(grosze);
        const zloty = Math.floor(abs / 100);
        expect(Boolean(m![1]), text).toBe(grosze < 0);
        expect(parse(m![2]!), text).toBe(zloty);
        expect(parse(m![4]!), text).toBe(abs % 100);
        expect(m![3]).toBe(["złoty", "złote", "złotych"][expectedForm(zloty)]);
        expect(m![5]).toBe(["grosz", "grosze", "groszy"][expectedForm(abs % 100)]);
      }),
      { numRuns: 2000 },
    );
  });

  it.skipIf(!oracle)("agrees with polish-number-to-words (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 999_999_999 }),
        fc.integer({ min: 0, max: 99 }),
        (zloty, grosze) => {
          // the oracle writes "jeden tysiąc" for the złoty part: our explicitOne form
          expect(amountInWords(money(zloty * 100 + grosze), { explicitOne: true })).toBe(
            oracle!.currencyToWordsPL(zloty + grosze / 100),
          );
          expect(integerToWordsPl(zloty)).toBe(oracle!.integerToWordsPL(zloty));
          expect(amountInWords(money(zloty * 100 + grosze, "EUR"), { explicitOne: true })).toBe(
            oracle!.currencyToWordsPL(
              zloty + grosze / 100,
              ["euro", "euro", "euro"],
              ["cent", "centy", "centów"],
            ),
          );
        },
      ),
      { numRuns: 3000 },
    );
  });
});
