/**
 * What the scheduled-runs tests start from: a partner's billing as an installation sets it up (the
 * default catalog, a default price group with .pl renewal prices, the seller, customers with
 * addresses), customer services expiring at set distances from a day, and bank statements in the
 * MT940 layout of PKO BP's exports (`~`-separated :86: subfields, lines of at most 65 characters).
 */
import {
  addCustomerService,
  addDays,
  createCustomer,
  createPriceGroup,
  type Db,
  seedDefaultCatalog,
  setPrice,
  setSellerSettings,
} from "@hrdkit/billing";

export const SELLER = {
  name: "Hosting Wisła sp. z o.o.",
  nip: "1234563218",
  address: { street: "ul. Długa 1", postcode: "00-950", city: "Warszawa", country: "PL" },
  bankAccount: "61109010140000071219812874",
  email: "faktury@wisla.example",
};

/** The services of the fixture: a name and its expiry, in days from the run's Warsaw day. */
export const SERVICES = {
  in30: { name: "sklep-ani.pl", days: 30 },
  in20: { name: "piekarnia-zofii.pl", days: 20 },
  in14: { name: "warsztat-jana.pl", days: 14 },
  in7: { name: "kwiaciarnia-ewy.pl", days: 7 },
  in1: { name: "zegarmistrz.pl", days: 1 },
  in45: { name: "daleko-jeszcze.pl", days: 45 },
  expired3: { name: "wygasla-wczoraj.pl", days: -3 },
} as const;
export type ServiceKey = keyof typeof SERVICES;

export interface Seeded {
  customerId: number;
  /** Customer service ids by fixture key. */
  services: Record<ServiceKey, number>;
  /** A certificate that expired 3 days ago: not a domain, so no `domain.expired`. */
  expiredCertificate: number;
}

/** Seeds billing and adds the fixture's services, expiring relative to `today` (YYYY-MM-DD, Warsaw). */
export async function seedBilling(db: Db, today: string): Promise<Seeded> {
  await seedDefaultCatalog(db);
  const group = await createPriceGroup(db, { name: "Detal", isDefault: true });
  await setPrice(db, { groupId: group.id, serviceCode: "domain.pl.renew", period: 1, net: "59.00" });
  await setSellerSettings(db, SELLER);
  const customer = await createCustomer(db, {
    name: "Sklep Ani sp. z o.o.",
    nip: "526-025-02-74",
    email: "ania@sklep-ani.example",
    addresses: { correspondence: { street: "ul. Fakturowa 3", postcode: "30-002", city: "Kraków" } },
  });
  const services = {} as Record<ServiceKey, number>;
  for (const [key, s] of Object.entries(SERVICES) as [ServiceKey, { name: string; days: number }][]) {
    const added = await addCustomerService(db, {
      customerId: customer.id,
      serviceCode: "domain.pl.register",
      name: s.name,
      period: 1,
      status: "active",
      startsOn: addDays(today, s.days - 365),
      expiresOn: addDays(today, s.days),
    });
    services[key] = added.id;
  }
  const cert = await addCustomerService(db, {
    customerId: customer.id,
    serviceCode: "ssl.positive-ssl.create",
    name: "sklep-ani.pl",
    period: 1,
    status: "active",
    startsOn: addDays(today, -368),
    expiresOn: addDays(today, -3),
  });
  return { customerId: customer.id, services, expiredCertificate: cert.id };
}

/** `12345` grosze → `123,45` (MT940 amounts). */
const amount = (grosze: number) => `${Math.floor(grosze / 100)},${String(grosze % 100).padStart(2, "0")}`;

export interface Credit {
  /** Grosze. */
  grosze: number;
  title: string;
  payer: string;
  /** The bank's reference of the operation. */
  reference: string;
}

/**
 * A one-day PKO BP-style MT940 statement of incoming transfers on the seller's account. `day` is
 * YYYY-MM-DD; lines are kept within 65 characters, the :86: subfields split over lines as banks do.
 */
export function mt940Statement(day: string, number: number, credits: Credit[]): string {
  const yymmdd = day.slice(2).replaceAll("-", "");
  const mmdd = yymmdd.slice(2);
  const total = credits.reduce((s, c) => s + c.grosze, 0);
  const lines = [
    `:20:ST${yymmdd}/1`,
    `:25:/PL${SELLER.bankAccount}`,
    `:28C:${String(number).padStart(5, "0")}/1`,
    `:60F:C${yymmdd}PLN0,00`,
  ];
  for (const c of credits) {
    lines.push(`:61:${yymmdd}${mmdd}C${amount(c.grosze)}N240NONREF//${c.reference}`);
    lines.push(`:86:240~00PRZELEW PRZYCHODZĄCY~20${c.title.slice(0, 27)}`);
    if (c.title.length > 27) lines.push(`~21${c.title.slice(27, 54)}`);
    lines.push(`~3010201026~310000123456789012~32${c.payer.slice(0, 27)}`);
  }
  lines.push(`:62F:C${yymmdd}PLN${amount(total)}`, `:64:C${yymmdd}PLN${amount(total)}`, "-");
  return `${lines.join("\r\n")}\r\n`;
}

/** The webhook events of a type, oldest first, as stored for delivery. */
export async function eventsOf(db: Db, type: string): Promise<Record<string, unknown>[]> {
  const { rows } = await db.query<{ data: Record<string, unknown> | string }>(
    "SELECT data FROM webhook_events WHERE type = $1 ORDER BY seq",
    [type],
  );
  return rows.map((r) => (typeof r.data === "string" ? JSON.parse(r.data) : r.data));
}
