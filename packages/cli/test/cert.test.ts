import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { APPROVAL_DELAY_MS } from "@hrdkit/sandbox";
import { HrdClient } from "@hrdkit/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, useBuiltCli } from "./support/cli.js";
import { type CliSandbox, startCliSandbox } from "./support/sandbox.js";

useBuiltCli();
let sb: CliSandbox;
let user: number;
let csrFile: string;
let contactFile: string;

beforeAll(async () => {
  sb = await startCliSandbox({ startAt: "2026-02-01T10:00:00Z" });
  const client = new HrdClient(sb.sandbox.clientOptions());
  try {
    user = (
      await client.user.create({
        type: "company",
        representative: "Anna Nowak",
        idNumber: "PL 123-456-32-18",
        email: "biuro@sklep-ssl.pl",
        landlinePhone: "+48.221003248",
        name: "Sklep SSL Sp. z o.o.",
        street: "ul. Prosta 20",
        postcode: "00-850",
        city: "Warszawa",
        country: "PL",
      })
    ).id;
  } finally {
    await client.close();
  }
  // A real PKCS#10 request, as a customer would make it.
  csrFile = join(sb.dir, "sklep.csr");
  execFileSync(
    "openssl",
    [
      "req",
      "-new",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      join(sb.dir, "sklep.key"),
      "-subj",
      "/CN=sklep-ssl.pl/O=Sklep SSL/C=PL",
      "-out",
      csrFile,
    ],
    { stdio: "ignore" },
  );
  contactFile = join(sb.dir, "contact.json");
  writeFileSync(
    contactFile,
    JSON.stringify({
      title: "Mrs",
      firstName: "Anna",
      lastName: "Nowak",
      organization: "Sklep SSL",
      role: "Website Owner",
      email: "anna.nowak@sklep-ssl.pl",
      phoneCC: "+48",
      phoneN: "221003248",
      address: "ul. Prosta 20",
      city: "Warszawa",
      state: "mazowieckie",
      postCode: "00-850",
      country: "PL",
    }),
  );
});
afterAll(() => sb.close());

describe("hrdkit cert", () => {
  it("orders, shows awaitingApproval, then issued, and downloads the PEM to a file", async () => {
    const order = await runCli(
      [
        "cert",
        "order",
        "positive ssl",
        "--csr",
        csrFile,
        "--approver-email",
        "admin@sklep-ssl.pl",
        "--user",
        String(user),
        "--contact",
        contactFile,
        "--json",
      ],
      { env: sb.env() },
    );
    expect(order.stderr).toBe("");
    expect(order.code).toBe(0);
    const ordered = JSON.parse(order.stdout);
    expect(ordered).toMatchObject({
      outcome: "ordered",
      product: "Positive SSL",
      attempts: 1,
      reconciled: false,
    });
    const id = ordered.certId as number;
    expect(sb.sandbox.state.certs.get(id)?.user).toBe(user);

    const pending = await runCli(["cert", "status", String(id)], { env: sb.env() });
    expect(pending.code).toBe(0);
    expect(pending.stdout).toMatch(/^status: +awaitingApproval$/m);
    expect(pending.stdout).toMatch(/^domain: +sklep-ssl\.pl$/m);
    const early = await runCli(["cert", "download", String(id)], { env: sb.env() });
    expect(early.code).toBe(4);

    sb.sandbox.clock.advance(APPROVAL_DELAY_MS + 1_000);
    const issued = await runCli(["cert", "status", String(id), "--json"], { env: sb.env() });
    expect(JSON.parse(issued.stdout)).toMatchObject({ id, status: "issued", product: "Positive SSL" });

    const out = join(sb.dir, "sklep.crt");
    const dl = await runCli(["cert", "download", String(id), "--out", out], { env: sb.env() });
    expect(dl.code).toBe(0);
    expect(dl.stdout).toContain(`certificate ${id} written to ${out}`);
    const pem = readFileSync(out, "utf8");
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n$/);
    expect(new (await import("node:crypto")).X509Certificate(pem).subject).toContain("CN=sklep-ssl.pl");
    // Not overwritten without --force.
    const again = await runCli(["cert", "download", String(id), "--out", out], { env: sb.env() });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("exists (add --force to overwrite it)");
    const stdout = await runCli(["cert", "download", String(id)], { env: sb.env() });
    expect(stdout.stdout).toBe(pem);
    // The saved contact serves the next order.
    const second = await runCli(
      [
        "cert",
        "order",
        "c_positive_ssl",
        "--csr",
        csrFile,
        "--approver-email",
        "hostmaster@sklep-ssl.pl",
        "-u",
        String(user),
        "--contact-id",
        String(ordered.certContactId),
      ],
      { env: sb.env() },
    );
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(
      /^ordered Positive SSL: certificate \d+ \(action \d+\), admin contact \d+;/,
    );
  });

  it("names every bad field of an order and sends nothing", async () => {
    const bad = join(sb.dir, "bad.csr");
    writeFileSync(bad, "not a csr\n");
    const creates = sb.sandbox.counts.get("cert/create") ?? 0;
    const run = await runCli(["cert", "order", "Super SSL", "--csr", bad, "--user", "0", "--period", "9"], {
      env: sb.env(),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('PRODUCT: "Super SSL" is not a product');
    expect(run.stderr).toContain("--approver-email: is required");
    expect(run.stderr).toContain("--user: must be a whole number");
    expect(run.stderr).toContain("--period: must be a whole number from 1 to 3");
    expect(run.stderr).toContain("--contact-id: give --contact-id");
    const csr = await runCli(
      [
        "cert",
        "order",
        "Positive SSL",
        "--csr",
        bad,
        "--approver-email",
        "admin@sklep-ssl.pl",
        "-u",
        String(user),
        "--contact-id",
        "5",
      ],
      { env: sb.env() },
    );
    expect(csr.code).toBe(2);
    expect(csr.stderr).toContain("--csr: must be a PEM certificate request");
    expect(sb.sandbox.counts.get("cert/create") ?? 0).toBe(creates);
    expect(existsSync(join(sb.dir, "nothing"))).toBe(false);
  });
});
