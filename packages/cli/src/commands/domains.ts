import { HrdApiError, type InputOf, type OutputOf } from "@hrdkit/sdk";
import type { Command } from "commander";
import type { App } from "../app.js";
import { CliError, EXIT } from "../exit-codes.js";
import { toCsv } from "../hrd/csv.js";
import { InputIssues } from "../hrd/issues.js";
import { describeNameservers, type NsHostInput, parseNameservers } from "../hrd/nameservers.js";
import { mapConcurrent } from "../hrd/pool.js";
import { day, purchase } from "../hrd/purchase.js";
import { readStream } from "../hrd/read-input.js";

type DomainInfo = OutputOf<"domain/info">;

/**
 * The domain commands: `info`, `list`, `whois`, `ns set`, and the purchases `register`, `renew`,
 * `transfer` — each through the SDK's make-sure call, so running one twice never buys twice.
 */
export function registerDomains(program: Command, app: App): void {
  registerInfo(program, app);
  registerList(program, app);
  registerWhois(program, app);
  registerNs(program, app);
  registerRegister(program, app);
  registerRenew(program, app);
  registerTransfer(program, app);
}

function requiredId(issues: InputIssues, field: string, value: string | undefined): number | undefined {
  if (value === undefined) {
    issues.add(field, "is required (the registrant account id, see HRD's panel or user/list)");
    return undefined;
  }
  return issues.int(field, value, 1, 4_294_967_295);
}

function nameIssues(issues: InputIssues, name: string): void {
  issues.operation("domain/info", { name }, { name: "NAME" });
}

function registerInfo(program: Command, app: App): void {
  program
    .command("info")
    .description("one domain in the partner's account: status, dates, registrant account, nameservers")
    .argument("<name>", "domain name")
    .addHelpText(
      "after",
      `
Examples:
  $ hrdkit info example.pl
  $ hrdkit info żółw.pl --json | jq -r .exDate`,
    )
    .action(async (name: string, _opts, cmd: Command) => {
      const issues = new InputIssues();
      nameIssues(issues, name);
      issues.throwIfAny("hrdkit info");
      const out = app.output(cmd);
      const info = await app.hrd(cmd).domain.info({ name });
      out.result(info, () => describeDomain(info));
    });
}

function describeDomain(d: DomainInfo): string {
  const ns = !d.ns
    ? "(none)"
    : "group" in d.ns
      ? `group ${d.ns.group}`
      : d.ns.hosts
          .map((h) =>
            h.ipv4.length || h.ipv6.length ? `${h.name} [${[...h.ipv4, ...h.ipv6].join(", ")}]` : h.name,
          )
          .join(", ");
  const lines: [string, string | number | boolean | undefined][] = [
    ["name", d.name],
    ["status", d.status],
    ["created", d.crDate],
    ["expires", d.exDate],
    ["account", d.user],
    ["privacy", d.privacy === undefined ? undefined : d.privacy ? "on" : "off"],
    ["nameservers", ns],
    ["dnssec", d.dnssec.length ? `${d.dnssec.length} DS record(s)` : undefined],
    ["actions", d.actions.length ? d.actions.join(", ") : undefined],
  ];
  return lines
    .filter(([, v]) => v !== undefined && v !== "")
    .map(([k, v]) => `${`${k}:`.padEnd(13)}${v}`)
    .join("\n");
}

interface ListOptions {
  format: string;
  expiringBefore?: string;
  namesOnly?: boolean;
  pool: string;
}

const LIST_FORMATS = ["table", "csv", "json"] as const;

function registerList(program: Command, app: App): void {
  program
    .command("list")
    .description("every domain in the partner's account (all pages), with status and dates")
    .option("--format <format>", `output: ${LIST_FORMATS.join(" | ")} (--json means json)`, "table")
    .option("--expiring-before <date>", "only domains that expire before this day (YYYY-MM-DD)")
    .option("--names-only", "names only: one list call per 100 domains, no domain/info per domain")
    .option("--pool <n>", "connections used to read the domains' details (1–32)", "4")
    .addHelpText(
      "after",
      `
Without --names-only each domain's details are read (domain/info, through --pool connections).
CSV has a header line: name,status,created,expires,user.

Examples:
  $ hrdkit list
  $ hrdkit list --format csv > domains.csv
  $ hrdkit list --expiring-before 2026-07-01 --format json | jq -r .name
  $ hrdkit list --names-only | wc -l`,
    )
    .action(async (opts: ListOptions, cmd: Command) => {
      const out = app.output(cmd);
      const issues = new InputIssues();
      const format = out.json ? "json" : opts.format;
      if (!(LIST_FORMATS as readonly string[]).includes(format)) {
        issues.add("--format", `must be one of ${LIST_FORMATS.join(", ")} (got "${opts.format}")`);
      }
      const before = opts.expiringBefore;
      if (before !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(before)) {
        issues.add("--expiring-before", `must be a date YYYY-MM-DD (got "${before}")`);
      }
      if (before !== undefined && opts.namesOnly) {
        issues.add(
          "--names-only",
          "cannot be used with --expiring-before (the filter needs each domain's expiry)",
        );
      }
      const poolSize = issues.int("--pool", opts.pool, 1, 32) ?? 4;
      issues.throwIfAny("hrdkit list");

      const client = app.hrd(cmd, { poolSize });
      const names: string[] = [];
      for await (const name of client.iterate("domain/list", {}, { signal: app.io.signal })) names.push(name);

      if (opts.namesOnly) {
        const rows = names.map((name) => ({ name }));
        write(app, format, rows, ["name"]);
        return;
      }
      const progress = names.length > 100 ? out.progress("list", names.length) : undefined;
      let infos: (DomainInfo | undefined)[];
      try {
        infos = await mapConcurrent(
          names,
          poolSize,
          (name) =>
            client.domain.info({ name }, { signal: app.io.signal }).catch((err: unknown) => {
              // Gone between the list and now (deleted, transferred away): not an error of the run.
              if (err instanceof HrdApiError) return undefined;
              throw err;
            }),
          progress ? (done) => progress.update(done) : undefined,
        );
      } finally {
        progress?.stop();
      }
      const rows = infos
        .filter((d): d is DomainInfo => d !== undefined)
        .filter((d) => before === undefined || (d.exDate !== undefined && day(d.exDate) < before))
        .map((d) =>
          format === "json"
            ? { name: d.name, status: d.status, created: d.crDate, expires: d.exDate, user: d.user }
            : {
                name: d.name,
                status: d.status,
                created: day(d.crDate),
                expires: day(d.exDate),
                user: d.user,
              },
        );
      write(app, format, rows, ["name", "status", "created", "expires", "user"]);
    });
}

function write<T extends Record<string, unknown>>(
  app: App,
  format: string,
  rows: readonly T[],
  columns: readonly (keyof T & string)[],
): void {
  if (format === "csv") app.io.stdout.write(toCsv(rows, columns));
  else if (format === "json") app.io.stdout.write(rows.map((r) => `${JSON.stringify(r)}\n`).join(""));
  else {
    // Table: through Output (aligned columns); built here so it is one write.
    const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? "").length)));
    const line = (cells: string[]) =>
      `${cells
        .map((c, i) => c.padEnd(widths[i]!))
        .join("  ")
        .trimEnd()}\n`;
    app.io.stdout.write(
      line([...columns]) + rows.map((r) => line(columns.map((c) => String(r[c] ?? "")))).join(""),
    );
  }
}

function registerWhois(program: Command, app: App): void {
  program
    .command("whois")
    .description("the registry's public whois text for a name (any name, not only the partner's)")
    .argument("<name>", "domain name")
    .addHelpText(
      "after",
      `
Examples:
  $ hrdkit whois example.pl
  $ hrdkit whois example.pl --json | jq -r .whois`,
    )
    .action(async (name: string, _opts, cmd: Command) => {
      const issues = new InputIssues();
      nameIssues(issues, name);
      issues.throwIfAny("hrdkit whois");
      const out = app.output(cmd);
      const text = await app.hrd(cmd).domain.whois({ name });
      out.result({ name, whois: text }, () => text.trimEnd());
    });
}

function registerNs(program: Command, app: App): void {
  const ns = program
    .command("ns")
    .description("a domain's nameservers")
    .addHelpText(
      "after",
      `
Examples:
  $ hrdkit ns set example.pl ns1.hosting.pl ns2.hosting.pl
  $ hrdkit ns set example.pl ns1.example.pl=192.0.2.1 ns2.example.pl=192.0.2.2,2001:db8::2`,
    );
  ns.command("set")
    .description("replace a domain's nameservers (2–13 hosts; glue addresses for hosts inside the domain)")
    .argument("<name>", "domain name")
    .argument(
      "<nameservers...>",
      "hosts: ns1.host.pl, or ns1.example.pl=IP[,IP] for a host inside the domain",
    )
    .addHelpText(
      "after",
      `
Examples:
  $ hrdkit ns set example.pl ns1.hosting.pl ns2.hosting.pl
  $ hrdkit ns set example.pl ns1.example.pl=192.0.2.1 ns2.example.pl=192.0.2.2,2001:db8::2
  $ hrdkit ns set example.pl ns1.hosting.pl ns2.hosting.pl --json`,
    )
    .action(async (name: string, hostArgs: string[], _opts, cmd: Command) => {
      const issues = new InputIssues();
      const hosts = parseNameservers(hostArgs, "nameservers", issues);
      if (issues.count === 0)
        issues.operation("domain/update", { name, ns: hosts }, { name: "NAME", ns: "nameserver" });
      else nameIssues(issues, name);
      issues.throwIfAny("hrdkit ns set");
      const out = app.output(cmd);
      const { actionId } = await app.hrd(cmd).domain.update({ name, ns: hosts });
      out.result({ name, ns: hosts, actionId }, () => {
        const action = actionId === undefined ? "" : ` (action ${actionId})`;
        return `nameservers of ${name} set: ${describeNameservers(hosts)}${action}`;
      });
    });
}

interface RegisterOptions {
  user?: string;
  period?: string;
  ns?: string[];
  nsGroup?: string;
  privacy?: boolean;
}

function registerRegister(program: Command, app: App): void {
  program
    .command("register")
    .description("register a domain to a registrant account, unless it is already there: never buys twice")
    .argument("<name>", "domain name")
    .option("-u, --user <id>", "registrant account id at HRD (user/create); required")
    .option("--period <years>", "years (1–10)", "1")
    .option(
      "--ns <hosts...>",
      "nameservers (2–13; host=IP for a host inside the domain); default: HRD_NS setting",
    )
    .option("--ns-group <id>", "a saved nameserver group instead of --ns")
    .option("--privacy", "turn on privacy protection (registrant's data hidden in whois)")
    .addHelpText(
      "after",
      `
Looks first: a name already registered to the account is reported ("already registered, nothing
bought", exit 0); otherwise it is registered once. If the reply is lost, HRD's state is read to
learn whether it arrived — it is never resent blindly. Exit 5: outcome unknown, check before retrying.

Examples:
  $ hrdkit register sklep.pl --user 1234 --ns ns1.hosting.pl ns2.hosting.pl
  $ hrdkit register sklep.pl -u 1234 --period 2 --ns-group 12 --privacy
  $ HRD_NS=ns1.hosting.pl,ns2.hosting.pl hrdkit register sklep.pl -u 1234 --json`,
    )
    .action(async (name: string, opts: RegisterOptions, cmd: Command) => {
      const issues = new InputIssues();
      const user = requiredId(issues, "--user", opts.user);
      const period = issues.int("--period", opts.period, 1, 10) ?? 1;
      let ns: NsHostInput[] | { group: number } | undefined;
      if (opts.nsGroup !== undefined) {
        if (opts.ns) issues.add("--ns-group", "give either --ns or --ns-group, not both");
        const group = issues.int("--ns-group", opts.nsGroup, 0, 4_294_967_295);
        if (group !== undefined) ns = { group };
      } else {
        const fallback = app.settings()["HRD_NS"];
        const args = opts.ns ?? (fallback ? [fallback] : undefined);
        if (args) ns = parseNameservers(args, "--ns", issues);
        else
          issues.add(
            "--ns",
            "nameservers are required: --ns HOST HOST… , --ns-group ID, or the HRD_NS setting",
          );
      }
      const input: InputOf<"domain/create"> = {
        name,
        user: user ?? 1,
        period,
        privacy: opts.privacy === true,
        ns: ns ?? ["ns1.invalid.pl", "ns2.invalid.pl"],
      };
      if (issues.count === 0)
        issues.operation("domain/create", input, { name: "NAME", ns: "--ns", period: "--period" });
      else nameIssues(issues, name);
      issues.throwIfAny("hrdkit register");

      const out = app.output(cmd);
      const client = app.hrd(cmd);
      const r = await purchase("registering", name, () =>
        client.ensureDomainRegistered(input, { signal: app.io.signal }),
      );
      const bought = r.outcome === "registered";
      out.result(
        {
          name: r.domain?.name ?? name,
          outcome: r.outcome,
          bought,
          user: input.user,
          actionId: r.actionId,
          status: r.domain?.status,
          expires: r.domain?.exDate,
          attempts: r.attempts,
          reconciled: r.reconciled,
        },
        () =>
          bought
            ? `registered ${name} to account ${input.user} for ${period} ${period === 1 ? "year" : "years"}` +
              `${r.actionId ? ` (action ${r.actionId})` : ""}` +
              `${r.reconciled ? " — the reply was lost; HRD's state shows this run bought it" : ""}`
            : `already registered ${name} to account ${input.user}, nothing bought` +
              `${r.domain?.exDate ? ` (expires ${day(r.domain.exDate)})` : ""}`,
      );
    });
}

interface RenewOptions {
  period?: string;
  expires?: string;
}

function registerRenew(program: Command, app: App): void {
  program
    .command("renew")
    .description("renew a domain for more years; with --expires, only if it still expires on that day")
    .argument("<name>", "domain name")
    .option("--period <years>", "years (1–10)", "1")
    .option(
      "--expires <date>",
      "the expiry (YYYY-MM-DD) this renewal is for: a rerun then finds it renewed and buys nothing",
    )
    .addHelpText(
      "after",
      `
Without --expires the current expiry is read and the domain renewed from it: every run renews once
more. Scripts that may run twice should pass --expires (the expiry they mean to extend): a domain
already renewed past it is reported "already renewed, nothing bought".

Examples:
  $ hrdkit renew sklep.pl
  $ hrdkit renew sklep.pl --expires 2026-03-01 --period 2
  $ hrdkit renew sklep.pl --expires "$(hrdkit info sklep.pl --json | jq -r '.exDate[:10]')"`,
    )
    .action(async (name: string, opts: RenewOptions, cmd: Command) => {
      const issues = new InputIssues();
      const period = issues.int("--period", opts.period, 1, 10) ?? 1;
      if (opts.expires !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(opts.expires)) {
        issues.add("--expires", `must be a date YYYY-MM-DD (got "${opts.expires}")`);
      }
      nameIssues(issues, name);
      issues.throwIfAny("hrdkit renew");

      const out = app.output(cmd);
      const client = app.hrd(cmd);
      let current = opts.expires;
      if (current === undefined) {
        const info = await client.domain.info({ name }, { signal: app.io.signal });
        current = day(info.exDate);
        if (!current) {
          throw new CliError(
            `${name} has no expiry date (status ${info.status}): it cannot be renewed`,
            EXIT.refused,
          );
        }
      }
      const r = await purchase("renewing", name, () =>
        client.ensureDomainRenewed(
          { name, currentExpirationDate: current, period },
          { signal: app.io.signal },
        ),
      );
      const bought = r.outcome === "renewed";
      out.result(
        {
          name,
          outcome: r.outcome,
          bought,
          actionId: r.actionId,
          previousExpiry: current,
          expires: r.domain?.exDate,
          attempts: r.attempts,
          reconciled: r.reconciled,
        },
        () =>
          bought
            ? `renewed ${name} for ${period} ${period === 1 ? "year" : "years"}` +
              `${r.domain?.exDate ? `: expires ${day(r.domain.exDate)}` : ""}` +
              `${r.actionId ? ` (action ${r.actionId})` : ""}`
            : `already renewed ${name} past ${current}, nothing bought` +
              `${r.domain?.exDate ? ` (expires ${day(r.domain.exDate)})` : ""}`,
      );
    });
}

interface TransferOptions {
  authInfo?: string;
  user?: string;
  period?: string;
}

function registerTransfer(program: Command, app: App): void {
  program
    .command("transfer")
    .description(
      "transfer a domain in from another registrar with its auth code, unless it is already in the account",
    )
    .argument("<name>", "domain name")
    .option(
      "--auth-info <code>",
      'the transfer (authInfo) code; "-" reads it from stdin; required, never printed',
    )
    .option("-u, --user <id>", "registrant account id at HRD that receives the domain; required")
    .option("--period <years>", "years added by the transfer, where the TLD allows it (1–10)")
    .addHelpText(
      "after",
      `
Looks first: a name already in the account (transferred, or on its way) is reported and nothing is
ordered. The transfer completes later: follow it with \`hrdkit poll --follow\` or \`hrdkit info\`.
Pass the code on stdin to keep it out of the shell history and the process list.

Examples:
  $ hrdkit transfer example.pl --auth-info 'Kod-Od-Rejestratora' --user 1234
  $ pass show domains/example.pl | hrdkit transfer example.pl --auth-info - -u 1234
  $ hrdkit transfer example.com --auth-info - -u 1234 --period 1 --json < code.txt`,
    )
    .action(async (name: string, opts: TransferOptions, cmd: Command) => {
      const issues = new InputIssues();
      const user = requiredId(issues, "--user", opts.user);
      const period = issues.int("--period", opts.period, 1, 10);
      if (opts.authInfo === undefined)
        issues.add("--auth-info", "is required (the code from the current registrar)");
      let authInfo = opts.authInfo ?? "";
      if (authInfo === "-") authInfo = (await readStream(app.io.stdin)).split(/\r?\n/)[0] ?? "";
      const input: InputOf<"domain/transfer"> = {
        name,
        user: user ?? 1,
        authInfo,
        ...(period !== undefined ? { period } : {}),
      };
      // The SDK's messages about the code never repeat it.
      if (opts.authInfo !== undefined && user !== undefined) {
        issues.operation("domain/transfer", input, { name: "NAME", authInfo: "--auth-info", user: "--user" });
      } else nameIssues(issues, name);
      issues.throwIfAny("hrdkit transfer");

      const out = app.output(cmd);
      const client = app.hrd(cmd);
      const r = await purchase("transferring", name, () =>
        client.ensureDomainTransferred(input, { signal: app.io.signal }),
      );
      const bought = r.outcome === "transferOrdered";
      out.result(
        {
          name,
          outcome: r.outcome,
          bought,
          user: input.user,
          actionId: r.actionId,
          status: r.domain?.status,
          attempts: r.attempts,
          reconciled: r.reconciled,
        },
        () =>
          bought
            ? `transfer of ${name} to account ${input.user} ordered${r.actionId ? ` (action ${r.actionId})` : ""}; ` +
              "it completes when the registry confirms: follow it with `hrdkit poll --follow`"
            : `${name} is already in the account${r.domain ? ` (status ${r.domain.status})` : ""}, nothing bought`,
      );
    });
}
