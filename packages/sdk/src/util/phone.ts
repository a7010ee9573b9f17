/**
 * Country calling codes (ITU-T E.164), used to split `+48221003248` into `+48.221003248`.
 * Listed longest-first at lookup time; a number is matched against 3-, then 2-, then 1-digit codes.
 */
const CALLING_CODES = new Set(
  (
    "1 7 20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 60 61 62 63 64 65 66 " +
    "81 82 84 86 90 91 92 93 94 95 98 211 212 213 216 218 220 221 222 223 224 225 226 227 228 229 230 231 232 " +
    "233 234 235 236 237 238 239 240 241 242 243 244 245 246 248 249 250 251 252 253 254 255 256 257 258 260 " +
    "261 262 263 264 265 266 267 268 269 290 291 297 298 299 350 351 352 353 354 355 356 357 358 359 370 371 " +
    "372 373 374 375 376 377 378 379 380 381 382 383 385 386 387 389 420 421 423 500 501 502 503 504 505 506 " +
    "507 508 509 590 591 592 593 594 595 596 597 598 599 670 672 673 674 675 676 677 678 679 680 681 682 683 " +
    "685 686 687 688 689 690 691 692 850 852 853 855 856 880 886 960 961 962 963 964 965 966 967 968 970 971 " +
    "972 973 974 975 976 977 992 993 994 995 996 998"
  ).split(" "),
);

const WIRE_PHONE = /^\+[0-9]{1,3}\.[0-9]{4,14}$/;

/**
 * Normalises a phone number to HRD's `+CC.NNNN` form. Accepts `+48 22 100 32 48`, `0048221003248`,
 * `(22) 100-32-48` (national numbers take `defaultCountryCode`, 48 = Poland) and the wire form itself.
 * Returns undefined when the result would not match HRD's pattern `\+[0-9]{1,3}\.[0-9]{4,14}`.
 */
export function normalizePhone(input: string, defaultCountryCode = "48"): string | undefined {
  const raw = input.trim();
  if (WIRE_PHONE.test(raw)) return raw;
  const dotted = /^\+(\d{1,3})\.(.*)$/.exec(raw.replace(/[\s()-]/g, ""));
  if (dotted) {
    const out = `+${dotted[1]}.${dotted[2]!.replace(/\D/g, "")}`;
    return WIRE_PHONE.test(out) ? out : undefined;
  }
  let digits = raw.replace(/[\s().\-/]/g, "");
  let international = false;
  if (digits.startsWith("+")) {
    international = true;
    digits = digits.slice(1);
  } else if (digits.startsWith("00")) {
    international = true;
    digits = digits.slice(2);
  }
  if (!/^\d+$/.test(digits)) return undefined;
  let cc = defaultCountryCode;
  let national = digits.replace(/^0(?=\d{9})/, "");
  // "48221003248": a Polish number written with its country code but without the "+".
  if (!international && defaultCountryCode === "48" && /^48\d{9}$/.test(digits)) national = digits.slice(2);
  if (international) {
    const code = [3, 2, 1].map((n) => digits.slice(0, n)).find((c) => CALLING_CODES.has(c));
    if (!code) return undefined;
    cc = code;
    national = digits.slice(code.length);
  }
  // A Polish national number has 9 digits; anything else typed without a country code is a typo.
  if (!international && cc === "48" && national.length !== 9) return undefined;
  const out = `+${cc}.${national}`;
  return WIRE_PHONE.test(out) ? out : undefined;
}
