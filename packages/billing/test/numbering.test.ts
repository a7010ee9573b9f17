import {
  allocateNumber,
  BillingValidationError,
  type Db,
  formatNumber,
  listSeries,
  periodKey,
  upsertSeries,
} from "@hrdkit/billing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers } from "./support/db.js";

describe("number patterns", () => {
  it("fills the tokens and keys the counter by the reset period", () => {
    expect(formatNumber("FV/{YYYY}/{MM}/{N}", "2026-11-27", 17)).toBe("FV/2026/11/17");
    expect(formatNumber("{N}/{YY}", "2026-01-05", 3)).toBe("3/26");
    expect(periodKey("monthly", "2026-11-27")).toBe("2026-11");
    expect(periodKey("yearly", "2026-11-27")).toBe("2026");
    expect(periodKey("never", "2026-11-27")).toBe("-");
  });
});

describe.each(drivers())("number series on $name", (driver) => {
  let db: Db;
  beforeAll(async () => {
    db = await driver.open();
  });
  afterAll(() => driver.dispose(db));

  it("a partner's own series becomes the default; numbers restart with its period", async () => {
    const s = await upsertSeries(db, {
      kind: "invoice",
      name: "Faktury sklepu",
      pattern: "FS/{N}/{YYYY}",
      reset: "yearly",
      isDefault: true,
    });
    const n = await db.transaction(async (tx) => [
      (await allocateNumber(tx, "invoice", "2026-12-30")).number,
      (await allocateNumber(tx, "invoice", "2026-12-31")).number,
      (await allocateNumber(tx, "invoice", "2027-01-01")).number,
    ]);
    expect(n).toEqual(["FS/1/2026", "FS/2/2026", "FS/1/2027"]);
    const all = await listSeries(db);
    expect(all.filter((x) => x.kind === "invoice" && x.isDefault).map((x) => x.id)).toEqual([s.id]);
  });

  it("refuses patterns that would repeat numbers, naming the field, and writes nothing", async () => {
    const before = (await listSeries(db)).length;
    const err = await upsertSeries(db, {
      kind: "invoice",
      name: "Zła",
      pattern: "FV/{N}",
      reset: "monthly",
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BillingValidationError);
    expect((err as BillingValidationError).issues.map((i) => i.message)).toEqual([
      "must contain {YYYY} or {YY} to reset monthly",
      "must contain {MM} to reset monthly",
    ]);
    const noCounter = await upsertSeries(db, { kind: "proforma", name: "X", pattern: "PRO/{YYYY}" }).catch(
      (e: unknown) => e,
    );
    expect((noCounter as BillingValidationError).issues[0]!.message).toBe("must contain {N}, the counter");
    expect((await listSeries(db)).length).toBe(before);
  });
});
