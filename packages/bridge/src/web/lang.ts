export type PageLanguage = "pl" | "en";

/**
 * Polish unless Accept-Language ranks English above it (by q, then by order): the customers are
 * a Polish seller's, and a browser set to English is the signal that they read English better.
 */
export function pageLanguage(acceptLanguage: string | undefined): PageLanguage {
  const rank: Record<PageLanguage, number> = { pl: 0, en: 0 };
  for (const [i, part] of (acceptLanguage ?? "").split(",").slice(0, 50).entries()) {
    const [tag = "", ...params] = part.trim().toLowerCase().split(";");
    const primary = tag.split("-")[0] as string;
    if (primary !== "pl" && primary !== "en") continue;
    const q = params.map((p) => /^\s*q=([01](\.\d{0,3})?)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    // Earlier entries win ties, as the header's order is a preference too.
    const score = (q === undefined ? 1 : Number(q)) - i / 1000;
    if (score > rank[primary]) rank[primary] = score;
  }
  return rank.en > rank.pl ? "en" : "pl";
}
