/**
 * Polish identity numbers, checked before `user/create` so that a typo is caught here and not by
 * HRD or the registry: PESEL (persons) and NIP (companies), with checksums.
 */

/** Checks a PESEL: 11 digits, checksum, and a real date of birth (century encoded in the month). */
export function isValidPesel(pesel: string): boolean {
  if (!/^\d{11}$/.test(pesel)) return false;
  const d = [...pesel].map(Number);
  const weights = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
  const sum = weights.reduce((acc, w, i) => acc + w * d[i]!, 0);
  if ((10 - (sum % 10)) % 10 !== d[10]) return false;
  const yy = d[0]! * 10 + d[1]!;
  let mm = d[2]! * 10 + d[3]!;
  const dd = d[4]! * 10 + d[5]!;
  const centuries: [number, number][] = [
    [80, 1800],
    [60, 2200],
    [40, 2100],
    [20, 2000],
    [0, 1900],
  ];
  const match = centuries.find(([o]) => mm > o);
  if (!match) return false;
  const [offset, century] = match;
  mm -= offset;
  const date = new Date(Date.UTC(century + yy, mm - 1, dd));
  return date.getUTCMonth() === mm - 1 && date.getUTCDate() === dd;
}

/** Removes the separators and the optional `PL` prefix people write in a NIP: `PL 123-456-32-18`. */
export function normalizeNip(nip: string): string {
  return nip.replace(/^\s*PL/i, "").replace(/[\s-]/g, "");
}

/** Checks a NIP: 10 digits, weights 6 5 7 2 3 4 5 6 7, checksum mod 11 (10 is never valid). */
export function isValidNip(nip: string): boolean {
  const n = normalizeNip(nip);
  if (!/^\d{10}$/.test(n)) return false;
  const d = [...n].map(Number);
  const weights = [6, 5, 7, 2, 3, 4, 5, 6, 7];
  const check = weights.reduce((acc, w, i) => acc + w * d[i]!, 0) % 11;
  return check !== 10 && check === d[9];
}
