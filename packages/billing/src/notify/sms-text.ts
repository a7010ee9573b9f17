/**
 * How many SMS parts a text costs, counted the way the network (and SMSAPI's bill) counts them.
 *
 * A text made only of GSM 03.38 characters travels in 7-bit encoding: 160 characters in one part,
 * 153 per part when split. One character outside that alphabet (any of ą ć ę ł ń ó ś ź ż, a
 * non-breaking space) switches the whole message to UCS-2: 70 characters, 67 per part. A
 * 100-character Polish reminder is one part without diacritics and two with them, so partners
 * can see the cost before sending and choose `stripPolish`.
 */

/** GSM 03.38 default alphabet: one septet each. `\n` and `\r` are part of it. */
const GSM7_BASIC = new Set(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);

/** GSM 03.38 extension table: an escape septet plus the character, so two septets each. */
const GSM7_EXTENSION = new Set("^{}\\[~]|€\f");

export type SmsEncoding = "gsm7" | "ucs2";

export interface SmsParts {
  encoding: SmsEncoding;
  /** How many parts the network sends (and SMSAPI bills); at least 1. */
  parts: number;
  /**
   * Length as the network counts it: septets for GSM-7 (an extension character such as € or [
   * counts 2), UTF-16 code units for UCS-2 (an emoji counts 2).
   */
  characters: number;
  /** The limit of one part at this length: 160/153 for GSM-7, 70/67 for UCS-2. */
  perPart: number;
}

const LIMITS = {
  gsm7: { single: 160, multi: 153 },
  ucs2: { single: 70, multi: 67 },
} as const;

/** Units each character takes, in the encoding the whole text needs. */
function units(text: string): { encoding: SmsEncoding; sizes: number[] } {
  const chars = Array.from(text);
  const gsm = chars.every((c) => GSM7_BASIC.has(c) || GSM7_EXTENSION.has(c));
  if (gsm) return { encoding: "gsm7", sizes: chars.map((c) => (GSM7_EXTENSION.has(c) ? 2 : 1)) };
  return { encoding: "ucs2", sizes: chars.map((c) => c.length) };
}

/**
 * Counts the parts of `text`. A multi-part message is filled part by part, and a character is never
 * split between two parts (an escape pair in GSM-7, a surrogate pair in UCS-2 moves whole to the
 * next part), so a text can need one part more than `characters / perPart` suggests.
 */
export function smsParts(text: string): SmsParts {
  const { encoding, sizes } = units(text);
  const characters = sizes.reduce((a, b) => a + b, 0);
  const limit = LIMITS[encoding];
  if (characters <= limit.single) return { encoding, parts: 1, characters, perPart: limit.single };
  let parts = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > limit.multi) {
      parts += 1;
      used = 0;
    }
    used += size;
  }
  return { encoding, parts, characters, perPart: limit.multi };
}

/** The same count in the shape the notice templates use. */
export interface SmsLength {
  encoding: "gsm-7" | "ucs-2";
  /** Characters as the encoding counts them (GSM extended characters count twice, UCS-2 counts UTF-16 units). */
  units: number;
  /** Parts the message is split into (and billed as). */
  parts: number;
}

export function smsLength(text: string): SmsLength {
  const p = smsParts(text);
  return { encoding: p.encoding === "gsm7" ? "gsm-7" : "ucs-2", units: p.characters, parts: p.parts };
}

const POLISH = "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ";
const LATIN = "acelnoszzACELNOSZZ";
/**
 * Polish typography that would keep a text in UCS-2 even without diacritics: the no-break spaces
 * of formatted amounts and after one-letter words, „quotes”, dashes, the ellipsis.
 */
const PUNCTUATION: Record<string, string> = {
  "\u00a0": " ",
  "\u202f": " ",
  "\u2009": " ",
  "„": '"',
  "”": '"',
  "“": '"',
  "«": '"',
  "»": '"',
  "‘": "'",
  "’": "'",
  "–": "-",
  "—": "-",
  "…": "...",
};

/**
 * Replaces Polish letters with their plain Latin ones (ą→a … Ż→Z) and Polish typographic
 * punctuation with ASCII, for partners who prefer a cheaper GSM-7 SMS to diacritics (what SMSAPI's
 * `normalize` option does at the provider). Everything else is left as it is, so an emoji still
 * forces UCS-2.
 */
export function stripPolish(text: string): string {
  let out = "";
  for (const ch of text) {
    const i = POLISH.indexOf(ch);
    out += i >= 0 ? LATIN[i]! : (PUNCTUATION[ch] ?? ch);
  }
  return out;
}

/** The name the notice templates use for `stripPolish`. */
export const toGsm7 = stripPolish;
