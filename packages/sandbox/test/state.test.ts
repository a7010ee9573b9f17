import { Faults, startSandbox } from "@hrdkit/sandbox";
import { HrdClient } from "@hrdkit/sdk";
import { describe, expect, it } from "vitest";

const PERSON = {
  type: "person" as const,
  idNumber: "44051401359",
  email: "a@example.com",
  landlinePhone: "+48.221003248",
  name: "Jan Kowalski",
  street: "ul. Polna 1",
  postcode: "00-001",
  city: "Warszawa",
  country: "PL",
};

describe("sandbox state machine", () => {
  it("a domain expires when the clock passes its date, and a renewal from the old date brings it back", async () => {
    const sandbox = await startSandbox({ actionDelayMs: 1000, startAt: "2026-01-15T10:00:00Z" });
    sandbox.clock.freeze();
    const client = new HrdClient(sandbox.clientOptions());
    try {
      const { id } = await client.user.create(PERSON);
      const { actionId } = await client.domain.create({
        name: "wygasa.pl",
        user: id,
        ns: ["ns1.hrd.pl", "ns2.hrd.pl"],
      });
      expect((await client.action.info({ id: actionId })).status).toBe("pending");
      expect((await client.domain.info({ name: "wygasa.pl" })).status).toBe("awaitingRegistration");
      sandbox.clock.advance(1000);
      const info = await client.domain.info({ name: "wygasa.pl" });
      expect(info).toMatchObject({
        status: "registered",
        crDate: "2026-01-15T10:00:01",
        exDate: "2027-01-15T10:00:01",
      });
      sandbox.clock.advanceDays(366);
      expect((await client.domain.info({ name: "wygasa.pl" })).status).toBe("expired");
      await client.domain.renew({ name: "wygasa.pl", currentExpirationDate: "2027-01-15" });
      expect(await client.domain.info({ name: "wygasa.pl" })).toMatchObject({
        status: "registered",
        exDate: "2028-01-15T10:00:01",
      });
      // Poll events arrive for finished actions only, in order.
      sandbox.clock.advance(1000);
      const events: string[] = [];
      for (let m = await client.poll.get(); m; m = await client.poll.get()) {
        events.push(`${m.action} ${m.objectName}`);
        await client.poll.ack({ id: m.id });
      }
      expect(events).toEqual(["create wygasa.pl", "renew wygasa.pl"]);
      expect(sandbox.state.ledger.map((e) => [e.type, e.amount])).toEqual([
        ["create", 3900],
        ["renew", 7900],
      ]);
      expect(sandbox.state.balance).toBe(1_000_000 - 3900 - 7900);
    } finally {
      await client.close();
      await sandbox.close();
    }
  });

  it("refuses requests before login and unknown commands, with HRD's error form", async () => {
    const sandbox = await startSandbox();
    const client = new HrdClient(sandbox.clientOptions());
    try {
      // A logged-in client never hits "not logged in"; the refusal text is part of MESSAGES.
      await expect(client.domain.info({ name: "nie-ma.pl" })).rejects.toMatchObject({
        code: "hrd_error",
        hrdMessage: expect.stringMatching(/nie istnieje/),
      });
    } finally {
      await client.close();
      await sandbox.close();
    }
  });
});

describe("reservations", () => {
  it("a lapsed reservation frees the name again", async () => {
    const sandbox = await startSandbox({ actionDelayMs: 0 });
    const client = new HrdClient(sandbox.clientOptions());
    try {
      const { id } = await client.user.create(PERSON);
      const { actionId } = await client.domain.book({ name: "na-chwile.pl", user: id });
      await client.waitForAction(actionId, { intervalMs: 5 });
      expect((await client.domain.check({ names: ["na-chwile.pl"] }))[0]?.status).toBe("taken");
      sandbox.clock.advanceDays(15);
      expect((await client.domain.info({ name: "na-chwile.pl" })).status).toBe("bookedExpired");
      expect((await client.domain.check({ names: ["na-chwile.pl"] }))[0]?.status).toBe("available");
    } finally {
      await client.close();
      await sandbox.close();
    }
  });
});

describe("fault rules", () => {
  it("random rules are reproducible from their seed", () => {
    const fire = (seed: number) => {
      const f = new Faults(seed);
      f.add({ kind: "drop-after", probability: 0.3 });
      return Array.from({ length: 50 }, () => f.pick("domain/create").has("drop-after"));
    };
    expect(fire(7)).toEqual(fire(7));
    expect(fire(7)).not.toEqual(fire(8));
    const hits = fire(7).filter(Boolean).length;
    expect(hits).toBeGreaterThan(5);
    expect(hits).toBeLessThan(30);
  });

  it("`*` rules spare login and token; `times` spends a rule", () => {
    const f = new Faults();
    f.add({ kind: "drop-before", times: 2 });
    expect(f.pick("login").size).toBe(0);
    expect(f.pick("domain/check").has("drop-before")).toBe(true);
    expect(f.pick("domain/check").has("drop-before")).toBe(true);
    expect(f.pick("domain/check").size).toBe(0);
    expect(f.fired["drop-before"]).toBe(2);
  });
});
