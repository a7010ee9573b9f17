/**
 * What the catalog needs from HRD, as small interfaces billing defines and the bridge implements
 * with the SDK (billing never imports the SDK).
 */

export type AvailabilityStatus = "available" | "taken" | "createOnly" | "unknown";

/**
 * Domain availability. The bridge implements it with the SDK's `domain/check`:
 *
 * ```ts
 * const availability: AvailabilityPort = {
 *   check: (names) => hrd.domain.check({ names }),
 * };
 * ```
 *
 * `names` are 1–100 distinct names (HRD's limit per call), Unicode (`żółw.pl`) or punycode
 * (`xn--w-uga1v8h.pl`): the port handles IDN (the SDK sends punycode and gives names back in
 * Unicode). A reply may name them in either form; a name missing from the reply counts as `unknown`.
 * `createOnly` is .pl's "can be registered at once but not reserved first".
 */
export interface AvailabilityPort {
  check(names: string[]): Promise<{ name: string; status: AvailabilityStatus }[]>;
}

/** Names per `check` call: HRD's `domain/check` takes at most 100. */
export const AVAILABILITY_BATCH = 100;
