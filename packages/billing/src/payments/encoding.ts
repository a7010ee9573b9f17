/**
 * Text encodings of Polish bank exports: UTF-8, Windows-1250 (Node's TextDecoder has it) and
 * CP852, the DOS Latin-2 code page that some banks still use for MT940 `.STA` files (TextDecoder
 * does not know it, so the table is here).
 */

export type StatementEncoding = "utf-8" | "windows-1250" | "cp852";
export const STATEMENT_ENCODINGS = ["utf-8", "windows-1250", "cp852"] as const;

/**
 * CP852 bytes 0x80–0xFF → Unicode code points (IBM code page 852, as iconv maps it). Bytes below
 * 0x80 are ASCII. The Polish letters are at:
 *   Ą A4  ą A5   Ć 8F  ć 86   Ę A8  ę A9   Ł 9D  ł 88   Ń E3  ń E4
 *   Ó E0  ó A2   Ś 97  ś 98   Ź 8D  ź AB   Ż BD  ż BE
 * The rest of the table (other Latin-2 letters, box drawing) is kept so that no byte decodes to
 * garbage: German or Czech names on a statement come out right too.
 */
// biome-ignore format: a table, 8 bytes a row
const CP852_HIGH: readonly number[] = [
  0x00c7, 0x00fc, 0x00e9, 0x00e2, 0x00e4, 0x016f, 0x0107, 0x00e7, // 80
  0x0142, 0x00eb, 0x0150, 0x0151, 0x00ee, 0x0179, 0x00c4, 0x0106, // 88
  0x00c9, 0x0139, 0x013a, 0x00f4, 0x00f6, 0x013d, 0x013e, 0x015a, // 90
  0x015b, 0x00d6, 0x00dc, 0x0164, 0x0165, 0x0141, 0x00d7, 0x010d, // 98
  0x00e1, 0x00ed, 0x00f3, 0x00fa, 0x0104, 0x0105, 0x017d, 0x017e, // A0
  0x0118, 0x0119, 0x00ac, 0x017a, 0x010c, 0x015f, 0x00ab, 0x00bb, // A8
  0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x00c1, 0x00c2, 0x011a, // B0
  0x015e, 0x2563, 0x2551, 0x2557, 0x255d, 0x017b, 0x017c, 0x2510, // B8
  0x2514, 0x2534, 0x252c, 0x251c, 0x2500, 0x253c, 0x0102, 0x0103, // C0
  0x255a, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256c, 0x00a4, // C8
  0x0111, 0x0110, 0x010e, 0x00cb, 0x010f, 0x0147, 0x00cd, 0x00ce, // D0
  0x011b, 0x2518, 0x250c, 0x2588, 0x2584, 0x0162, 0x016e, 0x2580, // D8
  0x00d3, 0x00df, 0x00d4, 0x0143, 0x0144, 0x0148, 0x0160, 0x0161, // E0
  0x0154, 0x00da, 0x0155, 0x0170, 0x00fd, 0x00dd, 0x0163, 0x00b4, // E8
  0x00ad, 0x02dd, 0x02db, 0x02c7, 0x02d8, 0x00a7, 0x00f7, 0x00b8, // F0
  0x00b0, 0x00a8, 0x02d9, 0x0171, 0x0158, 0x0159, 0x25a0, 0x00a0, // F8
];

export function decodeCp852(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += String.fromCharCode(b < 0x80 ? b : CP852_HIGH[b - 0x80]!);
  return out;
}

const POLISH = /[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]/gu;
/** Non-ASCII characters that are plausible in a statement besides Polish letters. */
const PLAUSIBLE = /[äöüßéáíúčěřšžňťďůÄÖÜÉÁČŘŠŽ§°«»–—„”“€\u00a0]/u;

/** Polish letters minus characters no Polish bank text would contain (box drawing, C1 controls…). */
function score(text: string): number {
  let polish = 0;
  let odd = 0;
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) continue;
    POLISH.lastIndex = 0;
    if (POLISH.test(ch)) polish += 1;
    else if (!PLAUSIBLE.test(ch)) odd += 1;
  }
  return polish - 2 * odd;
}

/**
 * Decodes a statement file. `auto`: a valid UTF-8 file is UTF-8 (plain ASCII is too); otherwise
 * the file is decoded both as CP852 and as Windows-1250, and the reading with more Polish letters
 * and fewer impossible characters wins (Windows-1250 on a tie). A UTF-8 byte-order mark is dropped.
 */
export function decodeStatement(
  bytes: Uint8Array,
  encoding: StatementEncoding | "auto" = "auto",
): { text: string; encoding: StatementEncoding } {
  const strip = (t: string) => (t.charCodeAt(0) === 0xfeff ? t.slice(1) : t);
  if (encoding === "cp852") return { text: decodeCp852(bytes), encoding };
  if (encoding === "windows-1250") return { text: new TextDecoder("windows-1250").decode(bytes), encoding };
  if (encoding === "utf-8") return { text: strip(new TextDecoder("utf-8").decode(bytes)), encoding };
  try {
    return { text: strip(new TextDecoder("utf-8", { fatal: true }).decode(bytes)), encoding: "utf-8" };
  } catch {
    // not UTF-8: one of the single-byte code pages
  }
  const cp852 = decodeCp852(bytes);
  const win = new TextDecoder("windows-1250").decode(bytes);
  return score(cp852) > score(win)
    ? { text: cp852, encoding: "cp852" }
    : { text: win, encoding: "windows-1250" };
}
