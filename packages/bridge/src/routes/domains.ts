/**
 * Domain routes: one normalised JSON call per panel action. Purchases carry an Idempotency-Key
 * and go through the SDK's "make sure" calls, so neither a repeated panel call nor a lost reply
 * from HRD ever buys twice.
 */
import { isIP } from "node:net";
import { type AvailabilityPort, seedDefaultCatalog, suggestNames } from "@hrdkit/billing";
import { findDomain, HrdApiError, HrdValidationError } from "@hrdkit/sdk";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { BridgeContext } from "../app.js";
import { type AvailabilityResult, availabilityCacheFor, availabilityKey } from "../availability-cache.js";
import { BridgeError } from "../errors.js";
import { idempotencyHeaders, replyJournaled } from "../idempotency.js";
import { errorResponses } from "../openapi.js";
import { registrantChoice, registrantInput, requireOneRegistrant, resolveRegistrant } from "../registrant.js";

const domain = z.string().min(3).max(255).describe("Domain name, Unicode or punycode (e.g. żółw.pl)");

/** Errors of routes that read a domain from HRD (the bridge's own 400/401/413/500 are added in app.ts). */
const errors = errorResponses(404, 422, 502);
/** Errors of purchases: idempotency (409 in_progress, 422 idempotency_key_reused) and HRD's. */
const purchaseErrors = errorResponses(409, 422, 502);
const domainParams = z.object({ domain });
const hostParams = z.object({ domain, host: domain });
const nameservers = z.array(z.string().min(3).max(255)).min(2).max(13);
const ips = z
  .array(z.string().refine((v) => isIP(v) !== 0, "must be an IPv4 or IPv6 address"))
  .min(1)
  .max(10);
const day = (d: string | undefined) => d?.slice(0, 10);

// Named here, where the purchase bodies use it: one `Registrant` type for generated clients.
z.globalRegistry.add(registrantInput, {
  id: "Registrant",
  description: "The panel client's data, from which the bridge creates the HRD registrant account",
});

const registerBody = z
  .object({
    domain,
    ...registrantChoice,
    period: z.number().int().min(1).max(10).default(1),
    nameservers: nameservers.default(["ns1.hrd.pl", "ns2.hrd.pl"]),
    privacy: z.boolean().default(false),
  })
  .superRefine(requireOneRegistrant);

const registerResult = z
  .object({
    domain: z.string(),
    outcome: z.enum(["registered", "alreadyRegistered"]),
    status: z.string().optional(),
    expiresOn: z.string().optional(),
    actionId: z.number().optional(),
    hrdUserId: z.number(),
    /** True when this is the stored answer of an earlier identical call. */
    replayed: z.boolean(),
  })
  .meta({
    id: "DomainRegistration",
    description: "The domain registered (`replayed`: the stored answer of an earlier identical call)",
  });

const transferBody = z
  .object({
    domain,
    authInfo: z
      .string()
      .min(1)
      .max(255)
      .describe("The transfer (authInfo/EPP) code from the losing registrar"),
    ...registrantChoice,
    period: z.number().int().min(1).max(10).optional(),
  })
  .superRefine(requireOneRegistrant);

const renewBody = z.object({ domain, period: z.number().int().min(1).max(10).default(1) });

const contactOut = z
  .object({
    type: z.enum(["person", "company"]),
    name: z.string(),
    representative: z.string().optional(),
    email: z.string(),
    phone: z.string().optional(),
    street: z.string(),
    postcode: z.string(),
    city: z.string(),
    country: z.string(),
  })
  .meta({ id: "RegistrantContact", description: "A registrant as its HRD account shows it" });
const contactsOut = z
  .object({ registrant: contactOut })
  .meta({ id: "DomainContacts", description: "The domain's registrant" });
const nameserversOut = z
  .object({ nameservers: z.array(z.string()) })
  .meta({ id: "Nameservers", description: "The domain's nameservers, as HRD shows them" });
const domainOut = z
  .object({
    domain: z.string(),
    status: z.string(),
    expiresOn: z.string().nullable(),
    createdOn: z.string().nullable(),
    nameservers: z.array(z.string()),
    privacy: z.boolean(),
    hrdUserId: z.number().nullable(),
  })
  .meta({ id: "Domain", description: "A domain as HRD shows it (dates as YYYY-MM-DD)" });

const contactPut = z.object({
  registrant: z
    .object({
      phone: z.string().trim().min(5).max(32).optional(),
      street: z.string().trim().min(3).max(255),
      postcode: z.string().trim().min(3).max(16),
      city: z.string().trim().min(1).max(255),
      country: z
        .string()
        .trim()
        .regex(/^[A-Za-z]{2}$/, "must be a two-letter country code (ISO 3166-1)"),
      name: z.unknown().optional(),
      email: z.unknown().optional(),
      representative: z.unknown().optional(),
      type: z.unknown().optional(),
      idNumber: z.unknown().optional(),
    })
    .superRefine(
      (v, ctx) => {
        for (const field of ["name", "email", "representative", "type", "idNumber"] as const) {
          if (v[field] !== undefined) {
            ctx.addIssue({
              code: "custom",
              path: [field],
              message:
                "HRD cannot change a registrant's name, e-mail, type or id number (only phone and address); " +
                "a new registrant needs a trade (cesja)",
            });
          }
        }
      },
      { when: (p) => typeof p.value === "object" && p.value !== null },
    ),
});

const syncResult = z
  .object({
    domain: z.string(),
    expiresOn: z.string().nullable(),
    active: z.boolean(),
    cancelled: z.boolean(),
    /** Only on evidence that the name left the partner's account (HRD's API has none today). */
    transferredAway: z.boolean(),
    /** False when HRD does not show the name in the partner's account; `reason` says what that means. */
    inAccount: z.boolean(),
    reason: z.string().optional(),
  })
  .meta({ id: "DomainSync", description: "The domain's state for the panel's sync, HRD being the truth" });

/** `domain/info`, or a 404 in the one error shape when the name is not in the partner's account. */
async function infoOf(ctx: BridgeContext, name: string) {
  const info = await findDomain(ctx.hrd, name, { readRetries: 2 });
  if (!info) throw new BridgeError(404, "not_found", `${name} is not in the partner's account at HRD`);
  return info;
}

type Info = Awaited<ReturnType<typeof infoOf>>;

async function nameserversOf(ctx: BridgeContext, info: Info): Promise<string[]> {
  const ns = info.ns;
  if (!ns) return [];
  if ("hosts" in ns) return ns.hosts.map((h) => h.name);
  const group = await ctx.hrd.domain.nsGroupInfo({ id: ns.group });
  return (
    (group as { ns?: (string | { name: string })[] }).ns?.map((h) => (typeof h === "string" ? h : h.name)) ??
    []
  );
}

/** Waits briefly for an action HRD runs in the background (the sandbox: at once). */
async function settle(ctx: BridgeContext, r: unknown, timeoutMs = 10_000): Promise<void> {
  const actionId = (r as { actionId?: number } | null | undefined)?.actionId;
  if (actionId !== undefined)
    await ctx.hrd.waitForAction(actionId, { intervalMs: 200, timeoutMs }).catch(() => undefined);
}

function splitIps(list: string[]) {
  return { ipv4: list.filter((i) => isIP(i) === 4), ipv6: list.filter((i) => isIP(i) === 6) };
}

function hostInside(host: string, name: string): void {
  const h = host.toLowerCase().replace(/\.$/, "");
  if (!h.endsWith(`.${name.toLowerCase()}`)) {
    throw new BridgeError(
      400,
      "invalid",
      `host: ${host} is not inside ${name} (glue hosts are for names inside the domain)`,
      false,
      [{ path: "host", message: `must be a name inside ${name} (e.g. ns1.${name})` }],
    );
  }
}

export function domainRoutes(app: FastifyInstance, ctx: BridgeContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    "/v1/domains/availability",
    {
      schema: {
        operationId: "checkDomains",
        summary: "Check the availability of up to 500 domain names",
        description: "Availability of up to 500 names (checked in calls of 100 at HRD).",
        tags: ["domains"],
        body: z.object({ names: z.array(domain).min(1).max(500) }),
        response: {
          200: z
            .object({
              results: z.array(
                z.object({
                  name: z.string(),
                  status: z.enum(["available", "taken", "createOnly", "unknown"]),
                }),
              ),
            })
            .describe("Each distinct name once, in the order asked; `unknown` when HRD gave no answer"),
          ...errorResponses(422, 502),
        },
      },
    },
    async (req) => {
      // HRD is asked only about names the cache has no fresh answer for; `Cache-Control: no-cache` asks about all.
      const names = req.body.names;
      const cache = availabilityCacheFor(ctx);
      const noCache = /(^|[\s,])no-cache($|[\s,])/i.test(String(req.headers["cache-control"] ?? ""));
      const { hits, misses } = noCache ? { hits: new Map(), misses: names } : cache.get(names);
      let fresh: AvailabilityResult[] = [];
      if (misses.length > 0) {
        try {
          fresh = await ctx.hrd.checkMany(misses);
        } catch (err) {
          // Name the bad fields by their place in the request, not in the list of misses.
          if (err instanceof HrdValidationError && misses !== names) {
            throw new HrdValidationError(
              "checkMany",
              err.issues.map((i) => {
                const m = /^names\.(\d+)$/.exec(i.path);
                return m ? { ...i, path: `names.${names.indexOf(misses[Number(m[1])]!)}` } : i;
              }),
            );
          }
          throw err;
        }
        cache.put(fresh);
      }
      const byKey = new Map<string, AvailabilityResult>(hits);
      for (const r of fresh) byKey.set(availabilityKey(r.name), r);
      const results: AvailabilityResult[] = [];
      const seen = new Set<string>();
      for (const name of names) {
        const key = availabilityKey(name);
        if (seen.has(key)) continue;
        seen.add(key);
        results.push(byKey.get(key) ?? { name, status: "unknown" });
      }
      return { results };
    },
  );

  r.post(
    "/v1/domains/register",
    {
      config: { audit: "domain.register" },
      schema: {
        operationId: "registerDomain",
        summary: "Register a domain (idempotent purchase)",
        description:
          "Register a domain to `hrdUserId`, or to a new HRD account made from `registrant`. Needs an Idempotency-Key " +
          "(e.g. `whmcs-<domainid>-register-<period>y`): a repeat gets the first answer back and never buys twice " +
          "(nor creates a second account).",
        tags: ["domains"],
        headers: idempotencyHeaders,
        body: registerBody,
        response: { 200: registerResult, ...purchaseErrors },
      },
    },
    async (req, reply) => {
      return replyJournaled(ctx.db, req, reply, "domain.register", req.body, async () => {
        const b = req.body;
        const user = await resolveRegistrant(ctx, req.keyId, b);
        const r0 = await ctx.hrd.ensureDomainRegistered({
          name: b.domain,
          user,
          period: b.period,
          ns: b.nameservers,
          privacy: b.privacy,
        });
        if (r0.actionId !== undefined)
          await ctx.hrd
            .waitForAction(r0.actionId, { intervalMs: 200, timeoutMs: 30_000 })
            .catch(() => undefined);
        const info = await ctx.hrd.domain.info({ name: b.domain }).catch(() => r0.domain);
        if (!info)
          throw new BridgeError(
            502,
            "unknown_state",
            "registered, but the domain could not be read back",
            true,
          );
        return {
          statusCode: 200,
          body: {
            domain: info.name,
            outcome: r0.outcome,
            status: info.status,
            expiresOn: day(info.exDate),
            actionId: r0.actionId,
            hrdUserId: user,
          },
        };
      }) as never;
    },
  );

  r.post(
    "/v1/domains/transfer",
    {
      config: { audit: "domain.transfer" },
      schema: {
        operationId: "transferDomain",
        summary: "Order a domain's transfer-in (idempotent purchase)",
        description:
          "Order the transfer-in of a domain with its authInfo code, to `hrdUserId` or a new account made from " +
          "`registrant`. Idempotency-Key required (e.g. `whmcs-<domainid>-transfer`). Follow it with transfer-sync.",
        tags: ["domains"],
        headers: idempotencyHeaders,
        body: transferBody,
        response: {
          200: z
            .object({
              domain: z.string(),
              outcome: z.enum(["transferOrdered", "alreadyInAccount"]),
              status: z.string().optional(),
              hrdUserId: z.number(),
              replayed: z.boolean(),
            })
            .describe("The transfer ordered (or the name already in the account)"),
          ...purchaseErrors,
        },
      },
    },
    async (req, reply) => {
      return replyJournaled(ctx.db, req, reply, "domain.transfer", req.body, async () => {
        const b = req.body;
        const user = await resolveRegistrant(ctx, req.keyId, b);
        const t = await ctx.hrd.ensureDomainTransferred({
          name: b.domain,
          user,
          authInfo: b.authInfo,
          period: b.period,
        });
        const info = t.domain ?? (await findDomain(ctx.hrd, b.domain).catch(() => undefined));
        return {
          statusCode: 200,
          body: {
            domain: info?.name ?? b.domain,
            outcome: t.outcome,
            status: info?.status,
            hrdUserId: user,
          },
        };
      }) as never;
    },
  );

  r.post(
    "/v1/domains/renew",
    {
      config: { audit: "domain.renew" },
      schema: {
        operationId: "renewDomain",
        summary: "Renew a domain (idempotent purchase)",
        description:
          "Renew a domain by `period` years past the expiry HRD shows now. Idempotency-Key required; include the " +
          "expiry the panel saw (e.g. `whmcs-<domainid>-renew-2027-03-01`): a repeat never renews twice.",
        tags: ["domains"],
        headers: idempotencyHeaders,
        body: renewBody,
        response: {
          200: z
            .object({
              domain: z.string(),
              outcome: z.enum(["renewed", "alreadyRenewed"]),
              expiresOn: z.string().optional(),
              replayed: z.boolean(),
            })
            .describe("Renewed (or already renewed past the expiry the key was made for)"),
          ...errorResponses(404, 409, 422, 502),
        },
      },
    },
    async (req, reply) => {
      return replyJournaled(ctx.db, req, reply, "domain.renew", req.body, async () => {
        const b = req.body;
        const info = await infoOf(ctx, b.domain);
        const current = day(info.exDate);
        if (!current)
          throw new BridgeError(
            422,
            "hrd_refused",
            `${info.name} has no expiry date at HRD (status ${info.status})`,
          );
        const rr = await ctx.hrd.ensureDomainRenewed({
          name: b.domain,
          currentExpirationDate: current,
          period: b.period,
        });
        await settle(ctx, rr, 30_000);
        const after = (await findDomain(ctx.hrd, b.domain).catch(() => undefined)) ?? rr.domain;
        return {
          statusCode: 200,
          body: { domain: info.name, outcome: rr.outcome, expiresOn: day(after?.exDate) },
        };
      }) as never;
    },
  );

  r.get(
    "/v1/domains/:domain",
    {
      schema: {
        operationId: "getDomain",
        summary: "Get a domain as HRD shows it",
        description: "A domain as HRD shows it.",
        tags: ["domains"],
        params: domainParams,
        response: {
          200: domainOut,
          ...errors,
        },
      },
    },
    async (req) => {
      const info = await infoOf(ctx, req.params.domain);
      return {
        domain: info.name,
        status: info.status,
        expiresOn: day(info.exDate) ?? null,
        createdOn: day(info.crDate) ?? null,
        nameservers: await nameserversOf(ctx, info),
        privacy: info.privacy ?? false,
        hrdUserId: info.user ?? null,
      };
    },
  );

  r.get(
    "/v1/domains/:domain/nameservers",
    {
      schema: {
        operationId: "getNameservers",
        summary: "Get a domain's nameservers",
        description: "A domain's nameservers.",
        tags: ["domains"],
        params: domainParams,
        response: { 200: nameserversOut, ...errors },
      },
    },
    async (req) => ({ nameservers: await nameserversOf(ctx, await infoOf(ctx, req.params.domain)) }),
  );

  r.put(
    "/v1/domains/:domain/nameservers",
    {
      config: { audit: "domain.nameservers" },
      schema: {
        operationId: "setNameservers",
        summary: "Replace a domain's nameservers",
        description:
          "Replace a domain's nameservers (2–13). A nameserver inside the domain itself uses the addresses of its " +
          "glue host (create it first with POST /v1/domains/:domain/hosts).",
        tags: ["domains"],
        params: domainParams,
        body: z.object({ nameservers }),
        response: { 200: nameserversOut, ...errors },
      },
    },
    async (req) => {
      const name = req.params.domain;
      const info = await infoOf(ctx, name);
      const ns = await Promise.all(
        req.body.nameservers.map(async (h) => {
          const host = h.trim().toLowerCase().replace(/\.$/, "");
          if (!host.endsWith(`.${info.name}`)) return host;
          const glue = await ctx.hrd.domain.hostInfo({ name: host }).catch((err: unknown) => {
            if (err instanceof HrdApiError)
              throw new BridgeError(
                400,
                "invalid",
                `nameservers: ${host} is inside ${info.name} but has no glue host`,
                false,
                [
                  {
                    path: "nameservers",
                    message: `${host} is inside ${info.name}: create its glue host first`,
                  },
                ],
              );
            throw err;
          });
          return { name: host, ipv4: glue.ipv4, ipv6: glue.ipv6 };
        }),
      );
      await settle(ctx, await ctx.hrd.domain.update({ name, ns }));
      return { nameservers: await nameserversOf(ctx, await infoOf(ctx, name)) };
    },
  );

  const contactsOf = async (name: string) => {
    const info = await infoOf(ctx, name);
    if (info.user === undefined)
      throw new BridgeError(404, "not_found", `${info.name} has no registrant account at HRD`);
    const u = await ctx.hrd.user.info({ id: info.user });
    return {
      registrant: {
        type: u.type,
        name: u.name,
        ...(u.representative ? { representative: u.representative } : {}),
        email: u.email,
        phone: u.landlinePhone ?? u.mobilePhone,
        street: u.street,
        postcode: u.postcode,
        city: u.city,
        country: u.country,
      },
      user: info.user,
    };
  };

  r.get(
    "/v1/domains/:domain/contacts",
    {
      schema: {
        operationId: "getContacts",
        summary: "Get a domain's registrant",
        description: "The domain's registrant (its HRD account's data).",
        tags: ["domains"],
        params: domainParams,
        response: { 200: contactsOut, ...errors },
      },
    },
    async (req) => ({ registrant: (await contactsOf(req.params.domain)).registrant }),
  );

  r.put(
    "/v1/domains/:domain/contacts",
    {
      config: { audit: "domain.contacts" },
      schema: {
        operationId: "updateContacts",
        summary: "Change the registrant's phone and address",
        description:
          "Change the registrant's phone and address. HRD changes only these (user/update), on the registrant " +
          "account — so on every domain of that account; name, e-mail, type and id number cannot change.",
        tags: ["domains"],
        params: domainParams,
        body: contactPut,
        response: { 200: contactsOut, ...errors },
      },
    },
    async (req) => {
      const { user } = await contactsOf(req.params.domain);
      const b = req.body.registrant;
      await ctx.hrd.user.update({
        id: user,
        landlinePhone: b.phone,
        street: b.street,
        postcode: b.postcode,
        city: b.city,
        country: b.country.toUpperCase(),
      });
      return { registrant: (await contactsOf(req.params.domain)).registrant };
    },
  );

  r.get(
    "/v1/domains/:domain/epp-code",
    {
      schema: {
        operationId: "getEppCode",
        summary: "Get the code to transfer a domain away",
        description:
          "The code the customer gives a new registrar to move the domain away. ASSUMPTION: this is HRD's " +
          "domain/tradeGetPw (as the sandbox reads HRD's ambiguous docs); verify against the real API.",
        tags: ["domains"],
        params: domainParams,
        response: { 200: z.object({ eppCode: z.string() }).describe("The transfer code"), ...errors },
      },
    },
    async (req) => {
      await infoOf(ctx, req.params.domain);
      const { pw } = await ctx.hrd.domain.tradeGetPw({ name: req.params.domain });
      return { eppCode: pw };
    },
  );

  const hostResult = z
    .object({ host: z.string(), ips: z.array(z.string()) })
    .meta({ id: "GlueHost", description: "A glue host and its IPv4 and IPv6 addresses" });

  r.post(
    "/v1/domains/:domain/hosts",
    {
      config: { audit: "domain.host.create" },
      schema: {
        operationId: "createGlueHost",
        summary: "Create a glue host",
        description: "Create a glue host (a nameserver inside the domain) with its addresses.",
        tags: ["domains"],
        params: domainParams,
        body: z.object({ host: domain, ips }),
        response: { 200: hostResult, ...errors },
      },
    },
    async (req) => {
      const info = await infoOf(ctx, req.params.domain);
      hostInside(req.body.host, info.name);
      await settle(ctx, await ctx.hrd.domain.hostCreate({ name: req.body.host, ...splitIps(req.body.ips) }));
      const h = await ctx.hrd.domain.hostInfo({ name: req.body.host });
      return { host: h.name, ips: [...h.ipv4, ...h.ipv6] };
    },
  );

  r.put(
    "/v1/domains/:domain/hosts/:host",
    {
      config: { audit: "domain.host.update" },
      schema: {
        operationId: "updateGlueHost",
        summary: "Replace a glue host's addresses",
        description: "Replace a glue host's addresses.",
        tags: ["domains"],
        params: hostParams,
        body: z.object({ ips }),
        response: { 200: hostResult, ...errors },
      },
    },
    async (req) => {
      const info = await infoOf(ctx, req.params.domain);
      hostInside(req.params.host, info.name);
      await settle(
        ctx,
        await ctx.hrd.domain.hostUpdate({ name: req.params.host, ...splitIps(req.body.ips) }),
      );
      const h = await ctx.hrd.domain.hostInfo({ name: req.params.host });
      return { host: h.name, ips: [...h.ipv4, ...h.ipv6] };
    },
  );

  r.delete(
    "/v1/domains/:domain/hosts/:host",
    {
      config: { audit: "domain.host.delete" },
      schema: {
        operationId: "deleteGlueHost",
        summary: "Delete a glue host",
        description: "Delete a glue host (HRD refuses while a domain uses it as a nameserver).",
        tags: ["domains"],
        params: hostParams,
        response: { 200: z.object({ deleted: z.literal(true) }).describe("Deleted"), ...errors },
      },
    },
    async (req) => {
      const info = await infoOf(ctx, req.params.domain);
      hostInside(req.params.host, info.name);
      await settle(ctx, await ctx.hrd.domain.hostDelete({ name: req.params.host }));
      return { deleted: true as const };
    },
  );

  r.put(
    "/v1/domains/:domain/privacy",
    {
      config: { audit: "domain.privacy" },
      schema: {
        operationId: "setPrivacy",
        summary: "Turn privacy protection on or off",
        description: "Turn privacy protection (registrant's data hidden in whois) on or off.",
        tags: ["domains"],
        params: domainParams,
        body: z.object({ enabled: z.boolean() }),
        response: { 200: z.object({ privacy: z.boolean() }).describe("The privacy setting now"), ...errors },
      },
    },
    async (req) => {
      await infoOf(ctx, req.params.domain);
      await settle(
        ctx,
        await ctx.hrd.domain.privacySet({ name: req.params.domain, privacy: req.body.enabled }),
      );
      const after = await infoOf(ctx, req.params.domain);
      return { privacy: after.privacy ?? req.body.enabled };
    },
  );

  r.post(
    "/v1/domains/:domain/sync",
    {
      schema: {
        operationId: "syncDomain",
        summary: "Read a domain's status and expiry for the panel's sync",
        description:
          "The domain-sync cron's view, HRD being the truth: active while registered; expired → not active. A name " +
          "that is not in the partner's account (a registration still pending, a bridge pointed at its sandbox, a " +
          "typo) is `inAccount: false` with the `reason`, and never `transferredAway`: HRD's API gives no signal " +
          "that a name left for another registrar, and absence alone is no evidence.",
        tags: ["domains"],
        params: domainParams,
        response: { 200: syncResult, ...errorResponses(422, 502) },
      },
    },
    async (req) => {
      const info = await findDomain(ctx.hrd, req.params.domain, { readRetries: 2 });
      if (!info)
        return {
          domain: req.params.domain,
          expiresOn: null,
          active: false,
          cancelled: false,
          transferredAway: false,
          inAccount: false,
          reason:
            `${req.params.domain} is not in the partner's account at HRD (${ctx.backend === "sandbox" ? "this bridge runs on its sandbox; " : ""}` +
            "not registered yet, or moved away): its status was left as it is",
        };
      return {
        domain: info.name,
        expiresOn: day(info.exDate) ?? null,
        active: info.status === "registered",
        cancelled: false,
        transferredAway: false,
        inAccount: true,
      };
    },
  );

  r.post(
    "/v1/domains/:domain/transfer-sync",
    {
      schema: {
        operationId: "syncTransfer",
        summary: "Read a pending transfer-in's state",
        description:
          "A pending transfer-in's state: the domain registered in the account → completed; still ordered → " +
          "neither; not in the account → failed.",
        tags: ["domains"],
        params: domainParams,
        response: {
          200: z
            .object({
              completed: z.boolean(),
              failed: z.boolean(),
              reason: z.string().optional(),
              expiresOn: z.string().optional(),
            })
            .describe("Completed, failed (with the reason) or neither yet"),
          ...errorResponses(422, 502),
        },
      },
    },
    async (req) => {
      const info = await findDomain(ctx.hrd, req.params.domain, { readRetries: 2 });
      if (!info) return { completed: false, failed: true, reason: "transfer not found or rejected" };
      if (["registered", "expired", "blocked"].includes(info.status))
        return { completed: true, failed: false, expiresOn: day(info.exDate) };
      return { completed: false, failed: false };
    },
  );

  r.get(
    "/v1/domains/:domain/trade",
    {
      schema: {
        operationId: "getTrade",
        summary: "Get the latest trade (cesja) of a domain",
        description: "The latest trade (cesja or internal transfer) of the domain, if any.",
        tags: ["domains"],
        params: domainParams,
        response: {
          200: z
            .object({
              status: z.string(),
              assignorAccepted: z.boolean().optional(),
              assigneeAccepted: z.boolean().optional(),
            })
            .describe("The trade's status and who accepted it"),
          ...errors,
        },
      },
    },
    async (req) => {
      const info = await infoOf(ctx, req.params.domain);
      for (const id of [...info.actions].reverse().slice(0, 50)) {
        const action = await ctx.hrd.action.info({ id });
        if (action.type !== "trade") continue;
        const t = await ctx.hrd.domain.tradeStatus({ id });
        return {
          status: t.status,
          assignorAccepted: t.assignorAccepted,
          assigneeAccepted: t.assigneeAccepted,
        };
      }
      throw new BridgeError(404, "not_found", `${info.name} has no trade`);
    },
  );

  r.post(
    "/v1/domains/suggestions",
    {
      schema: {
        operationId: "suggestDomains",
        summary: "Suggest registrable names for a query",
        description:
          "Names to offer for a query (the billing catalog's suggestion rules), only those that can be registered " +
          "now: `available`, or `createOnly` (.pl: registrable at once, not reservable first).",
        tags: ["domains"],
        body: z.object({
          query: z.string().trim().min(1).max(253),
          tlds: z.array(z.string().trim().min(2).max(63)).min(1).max(50).optional(),
          limit: z.number().int().min(1).max(100).optional(),
        }),
        response: {
          200: z
            .object({
              results: z.array(z.object({ name: z.string(), status: z.enum(["available", "createOnly"]) })),
            })
            .describe("Registrable names, best first"),
          ...errorResponses(422, 502),
        },
      },
    },
    async (req) => {
      const { rows } = await ctx.db.query<{ n: number }>("SELECT count(*)::int AS n FROM tlds");
      if ((rows[0]?.n ?? 0) === 0) await seedDefaultCatalog(ctx.db);
      const port: AvailabilityPort = { check: (names) => ctx.hrd.checkMany(names) };
      const tlds = req.body.tlds?.map((t) => t.toLowerCase().replace(/^\./, ""));
      const found = await suggestNames(ctx.db, { query: req.body.query, tlds, limit: req.body.limit }, port);
      return {
        results: found
          .filter((s) => s.status === "available" || s.status === "createOnly")
          .map((s) => ({ name: s.name, status: s.status as "available" | "createOnly" })),
      };
    },
  );
}
