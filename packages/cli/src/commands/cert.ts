import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { CERT_PRODUCTS, type CertProduct, type InputOf } from "@hrdkit/sdk";
import type { Command } from "commander";
import type { App } from "../app.js";
import { CliError, EXIT } from "../exit-codes.js";
import { InputIssues } from "../hrd/issues.js";
import { readTextFile } from "../hrd/read-input.js";

/** `hrdkit cert order|status|download`: SSL certificates bought through HRD. */
export function registerCert(program: Command, app: App): void {
  const cert = program
    .command("cert")
    .description("SSL certificates: order one for a CSR, follow its status, download it when issued")
    .addHelpText(
      "after",
      `
Examples:
  $ hrdkit cert order "Positive SSL" --csr sklep.csr --approver-email admin@sklep.pl --user 1234 --contact-id 7
  $ hrdkit cert status 101
  $ hrdkit cert download 101 --out sklep.crt`,
    );
  registerOrder(cert, app);
  registerStatus(cert, app);
  registerDownload(cert, app);
}

interface OrderOptions {
  csr?: string;
  approverEmail?: string;
  user?: string;
  contactId?: string;
  contact?: string;
  period: string;
  insurance?: boolean;
}

/** A product as typed: its exact name in any case, or HRD's service code (`c_positive_ssl`). */
function productOf(typed: string): CertProduct | undefined {
  const t = typed.trim().toLowerCase();
  return CERT_PRODUCTS.find(
    (p) =>
      p.toLowerCase() === t ||
      `c_${p
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "_")
        .replace(/^_|_$/g, "")}` === t,
  );
}

function registerOrder(cert: Command, app: App): void {
  cert
    .command("order")
    .description("order a certificate for a CSR (spends balance); the approver confirms by e-mail")
    .argument("<product>", `one of: ${CERT_PRODUCTS.join(", ")} (any case, or its code c_positive_ssl)`)
    .option("--csr <file>", "the certificate request, PEM (required)")
    .option(
      "--approver-email <email>",
      "who approves the order: admin@, hostmaster@, … of the domain (required)",
    )
    .option("-u, --user <id>", "registrant account id at HRD the certificate belongs to (required)")
    .option("--contact-id <id>", "a saved admin contact (from an earlier order)")
    .option(
      "--contact <file>",
      "a new admin contact: JSON with title, firstName, lastName, organization, role, email, phoneCC, phoneN, address, city, state, postCode, country",
    )
    .option("--period <years>", "years (1–3)", "1")
    .option("--insurance", "with the product's insurance")
    .addHelpText(
      "after",
      `
A certificate order has no natural key: two runs are two orders. Within one run a lost reply is
settled by reading the account's certificates, never by ordering again (exit 5 if it stays unknown).
Give exactly one of --contact-id and --contact.

Examples:
  $ hrdkit cert order "Positive SSL" --csr sklep.csr --approver-email admin@sklep.pl -u 1234 --contact-id 7
  $ hrdkit cert order c_comodo_ssl --csr www.csr --approver-email hostmaster@sklep.pl -u 1234 --contact contact.json --period 2
  $ hrdkit cert order "Positive SSL" --csr sklep.csr --approver-email admin@sklep.pl -u 1234 --contact-id 7 --json | jq .certId`,
    )
    .action(async (productArg: string, opts: OrderOptions, cmd: Command) => {
      const issues = new InputIssues();
      const product = productOf(productArg);
      if (!product)
        issues.add("PRODUCT", `"${productArg}" is not a product; one of: ${CERT_PRODUCTS.join(", ")}`);
      if (opts.csr === undefined) issues.add("--csr", "is required (a PEM certificate request file)");
      if (opts.approverEmail === undefined) issues.add("--approver-email", "is required");
      if (opts.user === undefined) issues.add("--user", "is required");
      const userId = issues.int("--user", opts.user, 1, 4_294_967_295);
      const period = issues.int("--period", opts.period, 1, 3) ?? 1;
      const certContactId = issues.int("--contact-id", opts.contactId, 1, 4_294_967_295);
      let adminContact: unknown;
      if (opts.contact !== undefined) {
        try {
          adminContact = JSON.parse(await readTextFile(opts.contact, "the contact file", app.io.cwd));
        } catch (err) {
          if (err instanceof CliError) throw err;
          issues.add("--contact", `${opts.contact} is not JSON: ${(err as Error).message}`);
        }
      }
      if (opts.contact === undefined && opts.contactId === undefined) {
        issues.add("--contact-id", "give --contact-id (a saved contact) or --contact FILE (a new one)");
      }
      const csr = opts.csr === undefined ? "" : await readTextFile(opts.csr, "the CSR", app.io.cwd);
      const input = {
        product: product ?? "Positive SSL",
        approverEmail: opts.approverEmail ?? "",
        csr,
        ...(adminContact !== undefined ? { adminContact } : {}),
        ...(certContactId !== undefined ? { certContactId } : {}),
        insurance: opts.insurance === true,
        userId: userId ?? 1,
        period,
      } as InputOf<"cert/create">;
      if (issues.count === 0) {
        issues.operation("cert/create", input, {
          approverEmail: "--approver-email",
          csr: "--csr",
          adminContact: "--contact",
          certContactId: "--contact-id",
          userId: "--user",
          period: "--period",
        });
      }
      issues.throwIfAny("hrdkit cert order");

      const out = app.output(cmd);
      const client = app.hrd(cmd);
      let r: Awaited<ReturnType<typeof client.orderCertificateOnce>>;
      try {
        r = await client.orderCertificateOnce(input, { signal: app.io.signal });
      } catch (err) {
        if ((err as { code?: string }).code === "outcome_unknown") {
          throw new CliError(
            `ordering ${input.product}: outcome unknown. The reply was lost and the account's new certificates ` +
              "did not show the order; nothing was resent. Check `hrdkit cert status` of recent orders (or HRD's panel) before ordering again.",
            EXIT.unknown,
          );
        }
        throw err;
      }
      out.result(
        {
          outcome: r.outcome,
          product: input.product,
          certId: r.certId,
          actionId: r.actionId,
          certContactId: r.certContactId,
          attempts: r.attempts,
          reconciled: r.reconciled,
        },
        () =>
          `ordered ${input.product}: certificate ${r.certId}` +
          `${r.actionId ? ` (action ${r.actionId})` : ""}` +
          `${r.certContactId ? `, admin contact ${r.certContactId}` : ""}; ` +
          `${input.approverEmail} gets the approval e-mail. Then: hrdkit cert download ${r.certId}`,
      );
    });
}

function certId(issues: InputIssues, value: string): number {
  return issues.int("ID", value, 1, 4_294_967_295) ?? 0;
}

function registerStatus(cert: Command, app: App): void {
  cert
    .command("status")
    .description("a certificate order: product, status (awaitingApproval, issued, …), domain, dates")
    .argument("<id>", "certificate id (from cert order)")
    .addHelpText(
      "after",
      `
Examples:
  $ hrdkit cert status 101
  $ hrdkit cert status 101 --json | jq -r .status`,
    )
    .action(async (idArg: string, _opts, cmd: Command) => {
      const issues = new InputIssues();
      const id = certId(issues, idArg);
      issues.throwIfAny("hrdkit cert status");
      const out = app.output(cmd);
      const info = await app.hrd(cmd).cert.info({ id });
      out.result({ id, ...info }, () =>
        (
          [
            ["id", id],
            ["product", info.product],
            ["status", info.status],
            ["domain", info.domain],
            ["approver", info.approverEmail],
            ["account", info.user],
            ["contact", info.certContactId],
            ["insurance", info.insurance ? "yes" : "no"],
            ["created", info.crDate],
            ["expires", info.exDate],
          ] as [string, string | number | undefined][]
        )
          .filter(([, v]) => v !== undefined && v !== "")
          .map(([k, v]) => `${`${k}:`.padEnd(11)}${v}`)
          .join("\n"),
      );
    });
}

function registerDownload(cert: Command, app: App): void {
  cert
    .command("download")
    .description("the issued certificate (PEM) to stdout or a file; refused while the order awaits approval")
    .argument("<id>", "certificate id")
    .option("-o, --out <file>", "write the PEM here instead of stdout")
    .option("--force", "overwrite --out if it exists")
    .addHelpText(
      "after",
      `
Examples:
  $ hrdkit cert download 101 > sklep.crt
  $ hrdkit cert download 101 --out /etc/ssl/sklep.crt --force`,
    )
    .action(async (idArg: string, opts: { out?: string; force?: boolean }, cmd: Command) => {
      const issues = new InputIssues();
      const id = certId(issues, idArg);
      const file = opts.out === undefined ? undefined : resolve(app.io.cwd, opts.out);
      if (file !== undefined && !opts.force && existsSync(file)) {
        issues.add("--out", `${opts.out} exists (add --force to overwrite it)`);
      }
      issues.throwIfAny("hrdkit cert download");
      const out = app.output(cmd);
      const { certificate } = await app.hrd(cmd).cert.get({ id });
      const pem = certificate.endsWith("\n") ? certificate : `${certificate}\n`;
      if (file === undefined) {
        if (out.json) out.result({ id, certificate: pem });
        else app.io.stdout.write(pem);
        return;
      }
      await writeFile(file, pem, { mode: 0o644 });
      out.result({ id, file: opts.out }, () => `certificate ${id} written to ${opts.out}`);
    });
}
