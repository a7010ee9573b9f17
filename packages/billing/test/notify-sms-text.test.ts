import { describe, expect, it } from "vitest";
import { smsParts, stripPolish } from "../src/notify/sms-text.js";

describe("smsParts", () => {
  it("fits 160 GSM-7 characters in one part and splits 161 into two of 153", () => {
    expect(smsParts("a".repeat(160))).toEqual({ encoding: "gsm7", parts: 1, characters: 160, perPart: 160 });
    expect(smsParts("a".repeat(161))).toEqual({ encoding: "gsm7", parts: 2, characters: 161, perPart: 153 });
  });

  it("needs a third part one character after 2 × 153", () => {
    expect(smsParts("a".repeat(306)).parts).toBe(2);
    expect(smsParts("a".repeat(307)).parts).toBe(3);
  });

  it("switches to UCS-2 on one Polish letter: 70 in one part, 67 per part after", () => {
    expect(smsParts("ą".repeat(70))).toEqual({ encoding: "ucs2", parts: 1, characters: 70, perPart: 70 });
    expect(smsParts("ą".repeat(71))).toEqual({ encoding: "ucs2", parts: 2, characters: 71, perPart: 67 });
    expect(smsParts("ł".repeat(134)).parts).toBe(2);
    expect(smsParts("ł".repeat(135)).parts).toBe(3);
    expect(smsParts(`${"a".repeat(69)}ż`).encoding).toBe("ucs2");
  });

  it("counts €, [ and ] as two septets", () => {
    expect(smsParts("€".repeat(80))).toMatchObject({ encoding: "gsm7", parts: 1, characters: 160 });
    expect(smsParts(`€${"a".repeat(159)}`)).toMatchObject({ parts: 2, characters: 161 });
    expect(smsParts(`[${"a".repeat(158)}]`)).toMatchObject({ parts: 2, characters: 162 });
    expect(smsParts(`[${"a".repeat(156)}]`)).toMatchObject({ parts: 1, characters: 160 });
  });

  it("never splits an extension character between parts", () => {
    // 306 septets would fit two parts, but the € at septets 153–154 has to move whole to part two.
    const text = `${"a".repeat(152)}€${"a".repeat(152)}`;
    expect(smsParts(text)).toMatchObject({ encoding: "gsm7", characters: 306, parts: 3 });
  });

  it("counts an emoji as two UCS-2 units", () => {
    expect(smsParts(`${"a".repeat(68)}😀`)).toMatchObject({ encoding: "ucs2", characters: 70, parts: 1 });
    expect(smsParts(`${"a".repeat(69)}😀`)).toMatchObject({ characters: 71, parts: 2 });
  });

  it("keeps French é and German ü in GSM-7 but not Polish ó", () => {
    expect(smsParts("Café Müller").encoding).toBe("gsm7");
    expect(smsParts("Kraków").encoding).toBe("ucs2");
  });

  it("prices a real Polish renewal reminder: two UCS-2 parts, one GSM-7 part without diacritics", () => {
    const text =
      "Żółw Hosting: domena łąka.pl wygaśnie 31.03.2026. Odnów ją w panelu, aby nie stracić strony i poczty.";
    expect(text.length).toBe(101);
    expect(smsParts(text)).toEqual({ encoding: "ucs2", parts: 2, characters: 101, perPart: 67 });
    expect(smsParts(stripPolish(text))).toEqual({
      encoding: "gsm7",
      parts: 1,
      characters: 101,
      perPart: 160,
    });
  });
});

describe("stripPolish", () => {
  it("replaces every Polish letter, small and capital", () => {
    expect(stripPolish("Zażółć gęślą jaźń")).toBe("Zazolc gesla jazn");
    expect(stripPolish("ĄĆĘŁŃÓŚŹŻ ąćęłńóśźż")).toBe("ACELNOSZZ acelnoszz");
  });

  it("replaces Polish typography that would keep the text in UCS-2", () => {
    const text = "Faktura „FV/2026/03/1” – zapłać w\u00a07 dni…";
    expect(stripPolish(text)).toBe('Faktura "FV/2026/03/1" - zaplac w 7 dni...');
    expect(smsParts(stripPolish(text)).encoding).toBe("gsm7");
  });

  it("leaves other characters alone", () => {
    expect(stripPolish("Płatność 😀 €5")).toBe("Platnosc 😀 €5");
  });
});
