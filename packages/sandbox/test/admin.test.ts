import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { type Sandbox, startSandbox } from "@hrdkit/sandbox";
import { HrdClient, HrdInsufficientBalanceError } from "@hrdkit/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PERSON = {
  type: "person" as const,
  idNumber: "44051401359",
  email: "jan.kowalski@example.com",
  landlinePhone: "+48 22 100 32 48",
  name: "Jan Kowalski",
  street: "ul. Marszałkowska 1",
  postcode: "00-001",
  city: "Warszawa",
  country: "PL",
};
const NS = ["ns1.hrd.pl", "ns2.hrd.pl"];
const DAY = 86_400_000;

type Json = Record<string, unknown>;

/** One admin request over real HTTP; returns the status, headers and parsed JSON body. */
async function call(
  base: string,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; headers: Headers; json: Json }> {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Json };
}

const fields = (json: Json) => (json.issues as { field: string }[]).map((i) => i.field).sort();

describe("sandbox admin HTTP interface", () => {
  let sandbox: Sandbox;
  let client: HrdClient;
  const admin = (method: string, path: string, body?: unknown) =>
    call(sandbox.adminUrl!, sandbox.adminToken, method, path, body);

  beforeAll(async () => {
    sandbox = await startSandbox({ actionDelayMs: DAY, admin: true, startAt: "2025-05-01T10:00:00Z" });
    sandbox.clock.freeze();
    client = new HrdClient({ ...sandbox.clientOptions(), retryMinDelayMs: 5 });
  });
  afterAll(async () => {
    await client.close();
    await sandbox.close();
  });

  it("is off unless asked for", async () => {
    const plain = await startSandbox();
    expect(plain.adminUrl).toBeUndefined();
    expect(plain.adminToken).toBeUndefined();
    await plain.close();
  });

  it("listens on 127.0.0.1 and refuses requests without the right bearer token", async () => {
    expect(sandbox.adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sandbox.adminToken).toMatch(/^[0-9a-f]{48}$/);
    const none = await call(sandbox.adminUrl!, undefined, "GET", "/state");
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(none.json.error).toMatch(/bearer token/);
    const wrong = await call(sandbox.adminUrl!, `${sandbox.adminToken}x`, "GET", "/state");
    expect(wrong.status).toBe(401);
    // Even routes that do not exist answer 401 first: nothing is revealed without the token.
    expect((await call(sandbox.adminUrl!, "nope", "POST", "/balance", { grosze: 0 })).status).toBe(401);
    expect(sandbox.state.balance).toBe(1_000_000);
    const ok = await admin("GET", "/state");
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({
      balance: { grosze: 1_000_000, value: "10000.00" },
      restricted: { grosze: 0 },
    });
  });

  it("moves the clock so that a pending registration completes, seen through the SDK and /state", async () => {
    const { id: user } = await client.user.create(PERSON);
    const { actionId } = await client.domain.create({ name: "zegar-admin.pl", user, ns: NS });
    expect((await client.action.info({ id: actionId })).status).toBe("pending");
    const pending = await admin("GET", "/state?domain=zegar-admin.pl");
    expect(pending.json.domain).toMatchObject({
      name: "zegar-admin.pl",
      actions: [{ id: actionId, status: "pending", amount: { grosze: 3900 } }],
    });
    expect(pending.json.restricted).toEqual({ grosze: 3900, value: "39.00" });

    const before = (await admin("GET", "/clock")).json.nowMs as number;
    const moved = await admin("POST", "/clock/advance", { days: 1 });
    expect(moved.status).toBe(200);
    expect(moved.json.nowMs).toBe(before + DAY);

    const action = await client.action.info({ id: actionId });
    expect(action).toMatchObject({ status: "done", objectName: "zegar-admin.pl" });
    expect(action.amount?.grosze).toBe(3900);
    const state = await admin("GET", "/state?domain=zegar-admin.pl");
    expect(state.json.domain).toMatchObject({ status: "registered", check: "taken" });
    expect(state.json.counts).toMatchObject({
      domains: 1,
      users: 1,
      actions: { done: 1, pending: 0 },
      poll: 1,
    });
    expect(state.json.balance).toEqual({ grosze: 1_000_000 - 3900, value: "9961.00" });
    const ledger = await admin("GET", "/ledger");
    expect(ledger.json.entries).toEqual([
      expect.objectContaining({
        actionId,
        type: "create",
        objectName: "zegar-admin.pl",
        amount: { grosze: 3900, value: "39.00" },
      }),
    ]);
    expect(ledger.json.total).toEqual({ grosze: 3900, value: "39.00" });
    expect((await admin("GET", "/state?domain=nie-ma-takiej.pl")).status).toBe(404);
  });

  it("sets the clock to a moment and reads it back", async () => {
    const set = await admin("POST", "/clock/set", { at: "2026-01-02T03:04:05Z" });
    expect(set.json.now).toBe("2026-01-02T03:04:05.000Z");
    expect(sandbox.clock.now().toISOString()).toBe("2026-01-02T03:04:05.000Z");
    expect((await admin("GET", "/clock")).json.now).toBe("2026-01-02T03:04:05.000Z");
  });

  it("accepts a cesja for either side, as the acceptance e-mails' links would", async () => {
    const { id: assignor } = await client.user.create(PERSON);
    const { id: assignee } = await client.user.create({ ...PERSON, email: "nowy@example.com" });
    const { actionId } = await client.domain.create({ name: "cesja-admin.pl", user: assignor, ns: NS });
    await admin("POST", "/clock/advance", { days: 2 });
    expect((await client.action.info({ id: actionId })).status).toBe("done");
    const { pw } = await client.domain.tradeGetPw({ name: "cesja-admin.pl" });
    const trade = await client.domain.trade({ name: "cesja-admin.pl", user: assignee, pw });
    const bad = await admin("POST", "/trades/accept", { id: "x", side: "both", ip: "::1" });
    expect(bad.status).toBe(400);
    expect(fields(bad.json)).toEqual(["id", "ip", "side"]);
    const one = await admin("POST", "/trades/accept", {
      id: trade.actionId,
      side: "assignor",
      ip: "203.0.113.7",
    });
    expect(one.json).toMatchObject({ status: "pending", assignorAccepted: true });
    const both = await admin("POST", "/trades/accept", { id: trade.actionId, side: "assignee" });
    expect(both.json.status).toBe("confirmed");
    const status = await client.domain.tradeStatus({ id: trade.actionId });
    expect(status).toMatchObject({
      assignorAccepted: true,
      assigneeAccepted: true,
      assignorIP: "203.0.113.7",
    });
    const again = await admin("POST", "/trades/accept", { id: trade.actionId, side: "assignee" });
    expect(again.status).toBe(409);
  });

  it("adds a drop fault over HTTP: the SDK's read is retried and the fault's counter shows it fired", async () => {
    const added = await admin("POST", "/faults", {
      rule: { kind: "drop-before", operation: "domain/info", times: 1 },
    });
    expect(added.status).toBe(200);
    expect(added.json.rules).toEqual([{ kind: "drop-before", operation: "domain/info", times: 1, fired: 0 }]);
    const sent = sandbox.counts.get("domain/info") ?? 0;
    const connections = sandbox.connections();
    const info = await client.domain.info({ name: "zegar-admin.pl" });
    expect(info.status).toBe("registered");
    expect((sandbox.counts.get("domain/info") ?? 0) - sent).toBe(2); // dropped once, then answered
    expect(sandbox.connections()).toBeGreaterThan(connections); // reconnected after the drop
    const faults = await admin("GET", "/faults");
    expect(faults.json.fired).toMatchObject({ "drop-before": 1, "drop-after": 0 });
    expect(faults.json.rules).toEqual([
      { kind: "drop-before", operation: "domain/info", times: 1, fired: 1 },
    ]);
    const cleared = await admin("DELETE", "/faults");
    expect(cleared.json.rules).toEqual([]);
    expect(sandbox.faults.list()).toEqual([]);
  });

  it("refuses bad fault rules with 400s naming every bad field, and adds none of them", async () => {
    const res = await admin("POST", "/faults", {
      rules: [
        { kind: "drop-before", operation: "domain/info" },
        { kind: "explode" },
        { kind: "delay" },
        { kind: "drop-after", probability: 2, times: 0, operaton: "domain/info" },
      ],
    });
    expect(res.status).toBe(400);
    expect(fields(res.json)).toEqual([
      "rules[1].kind",
      "rules[2].delayMs",
      "rules[3].operaton",
      "rules[3].probability",
      "rules[3].times",
    ]);
    expect(res.json.error).toContain("rules[3].probability: must be a number between 0 and 1");
    expect(sandbox.faults.list()).toEqual([]);
    const neither = await admin("POST", "/faults", {});
    expect(neither.status).toBe(400);
    expect(fields(neither.json)).toEqual(["rule"]);
  });

  it("sets the balance, which the SDK then sees and spends against", async () => {
    const res = await admin("POST", "/balance", { grosze: 500 });
    expect(res.json.balance).toEqual({ grosze: 500, value: "5.00" });
    expect((await client.partner.getBalance()).balance).toEqual({ value: "5.00", grosze: 500 });
    const { id: user } = await client.user.create(PERSON);
    await expect(client.domain.create({ name: "za-drogo.pl", user, ns: NS })).rejects.toBeInstanceOf(
      HrdInsufficientBalanceError,
    );
    await admin("POST", "/balance", { grosze: 1_000_000 });
    expect((await client.partner.getBalance()).balance.grosze).toBe(1_000_000);
  });

  it("answers 400 naming the field for bad values, 400 for bad JSON, 404 and 405 for bad routes", async () => {
    const cases: [string, unknown, string[]][] = [
      ["/balance", { grosze: 1.5 }, ["grosze"]],
      ["/balance", { grosze: 100, zloty: 1 }, ["zloty"]],
      ["/clock/advance", { ms: -5 }, ["ms"]],
      ["/clock/advance", { ms: 5, days: 1 }, ["ms"]],
      ["/clock/set", { at: "wczoraj" }, ["at"]],
      ["/news", { title: "", archived: "tak" }, ["archived", "message", "title"]],
      ["/domains/taken", { names: ["ok.pl", "nie ma.pl", 7] }, ["names[1]", "names[2]"]],
      ["/foreign", { name: "obca.pl", registrantEmail: "x" }, ["authInfo", "registrantEmail"]],
    ];
    for (const [path, body, expected] of cases) {
      const res = await admin("POST", path, body);
      expect(res.status, path).toBe(400);
      expect(fields(res.json), path).toEqual(expected);
    }
    expect(sandbox.state.balance).toBe(1_000_000);
    expect(sandbox.state.taken.has("ok.pl")).toBe(false); // all or nothing

    const bad = await admin("POST", "/balance", "{grosze: 1");
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/not valid JSON/);
    expect((await admin("POST", "/balance", "[1]")).status).toBe(400);
    const missing = await admin("GET", "/nope");
    expect(missing.status).toBe(404);
    expect(missing.json.error).toContain("/nope");
    const wrongMethod = await admin("GET", "/clock/advance");
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("POST");
    expect((await admin("PUT", "/faults")).headers.get("allow")).toBe("GET, POST, DELETE");
  });

  it("publishes news that the SDK reads", async () => {
    const res = await admin("POST", "/news", { title: "Awaria DNS", message: "Trwa usuwanie awarii." });
    expect(res.status).toBe(200);
    const id = res.json.id as number;
    expect(await client.news.list({ lastId: id - 1 })).toEqual([id]);
    expect(await client.news.info({ id })).toMatchObject({
      title: "Awaria DNS",
      message: "Trwa usuwanie awarii.",
      archived: false,
    });
  });

  it("marks names as registered elsewhere and as held at another registrar", async () => {
    const taken = await admin("POST", "/domains/taken", { names: ["Zajęta.pl", "inna-zajeta.com"] });
    expect(taken.json.taken).toEqual(["xn--zajta-l0a.pl", "inna-zajeta.com"]);
    const foreign = await admin("POST", "/foreign", { name: "u-konkurencji.pl", authInfo: "Kod#123" });
    expect(foreign.json).toEqual({ name: "u-konkurencji.pl", registrantEmail: "abonent@u-konkurencji.pl" });
    expect(sandbox.state.foreign.get("u-konkurencji.pl")).toEqual({
      authInfo: "Kod#123",
      registrantEmail: "abonent@u-konkurencji.pl",
    });
    const checked = await client.domain.check({
      names: ["zajęta.pl", "inna-zajeta.com", "u-konkurencji.pl"],
    });
    expect(checked.map((c) => c.status)).toEqual(["taken", "taken", "taken"]);
    const own = await admin("POST", "/foreign", { name: "zegar-admin.pl", authInfo: "x" });
    expect(own.status).toBe(409);
  });

  it("drops the API connections: the SDK reconnects on its next call", async () => {
    await client.partner.getBalance();
    const before = sandbox.connections();
    expect((await admin("POST", "/connections/drop")).json).toEqual({ dropped: true });
    await client.partner.getBalance();
    expect(sandbox.connections()).toBeGreaterThan(before);
    const state = await admin("GET", "/state");
    expect((state.json.requests as Json)["login"]).toBeGreaterThanOrEqual(2);
  });

  it("uses a given token and stops with the sandbox", async () => {
    const other = await startSandbox({ admin: { token: "sekret-testowy" } });
    expect(other.adminToken).toBe("sekret-testowy");
    expect((await call(other.adminUrl!, "sekret-testowy", "GET", "/clock")).status).toBe(200);
    const url = other.adminUrl!;
    await other.close();
    await expect(fetch(`${url}/clock`)).rejects.toThrow();
  });
});

// The built command, as `npx hrdkit-sandbox` runs it (`npm test` builds before testing).
const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));

describe.skipIf(!existsSync(cli))("hrdkit-sandbox --admin-port", () => {
  it("prints the admin URL and token, and is driven over HTTP from another process", async () => {
    const child = spawn(process.execPath, [cli, "--admin-port", "0", "--action-delay", "3600000"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exit = new Promise<number | null>((resolve) => child.once("exit", resolve));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once("line", resolve);
        child.once("exit", (code) => reject(new Error(`exited with ${code}`)));
      });
      const info = JSON.parse(line) as Record<string, string | number>;
      expect(info.adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(info.adminToken).toMatch(/^[0-9a-f]{48}$/);
      const url = String(info.adminUrl);
      const token = String(info.adminToken);
      expect((await call(url, undefined, "GET", "/state")).status).toBe(401);

      const hrd = new HrdClient({
        host: String(info.host),
        port: Number(info.port),
        login: String(info.login),
        password: String(info.password),
        apiKey: String(info.apiKey),
        ca: String(info.ca),
        servername: "localhost",
        retryMinDelayMs: 5,
      });
      try {
        await call(url, token, "POST", "/balance", { grosze: 25_000 });
        expect((await hrd.partner.getBalance()).balance.value).toBe("250.00");
        const { id: user } = await hrd.user.create(PERSON);
        const { actionId } = await hrd.domain.create({ name: "z-innego-procesu.pl", user, ns: NS });
        expect((await hrd.action.info({ id: actionId })).status).toBe("pending");
        await call(url, token, "POST", "/clock/advance", { ms: 3_600_000 });
        expect((await hrd.action.info({ id: actionId })).status).toBe("done");
        const state = await call(url, token, "GET", "/state");
        expect(state.json.balance).toEqual({ grosze: 25_000 - 3900, value: "211.00" });
        expect(state.json.ledger).toEqual([expect.objectContaining({ objectName: "z-innego-procesu.pl" })]);
      } finally {
        await hrd.close();
      }
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exit).toBe(0);
  });
});
