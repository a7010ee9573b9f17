import type { Db } from "@hrdkit/billing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers } from "./support/db.js";

describe.each(drivers())("billing schema on $name", (driver) => {
  let db: Db;
  beforeAll(async () => {
    db = await driver.open();
  });
  afterAll(() => driver.dispose(db));

  it("accepts real TLDs and refuses malformed ones", async () => {
    await db.query("INSERT INTO tlds (tld) VALUES ('pl'), ('com.pl')");
    await expect(db.query("INSERT INTO tlds (tld) VALUES ('com\\pl')")).rejects.toThrow();
    await expect(db.query("INSERT INTO tlds (tld) VALUES ('Com')")).rejects.toThrow();
  });

  it("keeps one default price group and a consistent service shape", async () => {
    await db.query("INSERT INTO price_groups (name, is_default) VALUES ('Standard', true)");
    await expect(
      db.query("INSERT INTO price_groups (name, is_default) VALUES ('Drugi', true)"),
    ).rejects.toThrow();
    await expect(
      db.query(
        "INSERT INTO services (code, kind, operation, name, periods) VALUES ('domain.x.register', 'domain', 'register', 'x', '{1}')",
      ),
    ).rejects.toThrow(); // a domain service needs its TLD
  });
});
