/**
 * Word search over catalog text ("odnowienie .com.pl" finds "Odnowienie domeny .com.pl"): every
 * word of the query must occur in the text, case and diacritics ignored (ł → l too).
 *
 * The database cannot fold text exactly as JavaScript does (lower() follows the server's locale,
 * and SQL has no \p{M}), so a listing narrows its rows in SQL with a condition that never drops
 * a match and confirms each row with `matchesWords`: the ASCII letters left after folding are the
 * same on both sides, so for the usual queries (Polish words, codes) the SQL alone is exact.
 */

/** Lower case without diacritics (ł → l too), so "krakow" finds "Kraków" and "ODNOWIENIE" finds "Odnowienie". */
export function foldWords(text: string): string {
  return text
    .toLowerCase()
    .replace(/ł/g, "l")
    .normalize("NFD")
    .replace(/\p{M}+/gu, "");
}

/** The folded words of a query (none for a blank one). */
export function queryWords(query: string): string[] {
  return foldWords(query)
    .split(/\s+/)
    .filter((w) => w !== "");
}

/** True when every word of `query` occurs somewhere in `haystack` (both folded). */
export function matchesWords(query: string, haystack: string): boolean {
  const h = foldWords(haystack);
  return queryWords(query).every((w) => h.includes(w));
}

/**
 * SQL of `expr` folded and stripped to ASCII: decomposed (NFD), ł/Ł as l, ASCII upper case
 * lowered (the "C" collation touches nothing else, whatever the server's locale), and every
 * character outside ASCII removed, marks included. It equals foldWords(text) with its non-ASCII
 * characters removed, so a word found in the folded text is found here with its own non-ASCII
 * characters removed (`asciiOf`). Needs a UTF8 database (normalize()), as billing's always is.
 */
export function asciiFoldSql(expr: string): string {
  return `regexp_replace(lower(translate(normalize(${expr}, NFD), 'Łł', 'll') COLLATE "C"), '[^\\x01-\\x7f]', '', 'g')`;
}

/** The ASCII characters of a folded word: what `asciiFoldSql` text must contain for it to match. */
export function asciiOf(word: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is the point
  return word.replace(/[^\x01-\x7f]/g, "");
}
