/**
 * Renewal reminders as a renewal run makes them, for the notify benchmark: 70 % e-mail (the
 * built-in Polish template rendered by renderNotice and framed by layoutEmail with the partner's
 * logo as an inline image — ~3 KB of HTML + text and the same logo on every mail), 30 % SMS.
 *
 * Rendering 100 000 notices through Handlebars would measure the template engine, not the outbox,
 * so each kind of service is rendered once with marker values and the markers are replaced per
 * notice: the bytes are those the renderer makes, every notice different.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32, deflateSync } from "node:zlib";
import type { Db } from "../../packages/billing/src/db/db.js";
import type { SellerSettings } from "../../packages/billing/src/documents/types.js";
import {
  type EmailAttachment,
  type EmailNoticeInput,
  layoutEmail,
  type NoticeBranding,
  renderNotice,
  type SmsNoticeInput,
} from "../../packages/billing/src/notify/index.js";

export const SELLER: SellerSettings = {
  name: "Żółw Hosting Sp. z o.o.",
  nip: "5260250274",
  address: { street: "ul. Świętokrzyska 12", postcode: "00-916", city: "Warszawa", country: "PL" },
  bankAccount: "61109010140000071219812874",
  email: "powiadomienia@zolwhosting.pl",
  phone: "+48 22 100 20 30",
  accentColor: "#1A7F37",
};
export const SMS_SENDER = "ZolwHost";

/** The Message-ID domain smtpEmailPort uses: the sender address's. */
export const MESSAGE_ID_DOMAIN = "zolwhosting.pl";

const SERVICE = "QQSERVICEQQ";
const ID = "QQIDQQ";
const CUSTOMER = "QQCUSTOMERQQ";
const SURNAMES = ["Wiśniewska", "Kowalczyk", "Zieliński", "Wójcik", "Dąbrowska", "Łukasiewicz"];
const KINDS = [
  "domain",
  "domain",
  "domain",
  "domain",
  "domain",
  "domain",
  "domain",
  "ssl",
  "hosting",
  "domain",
];
const WORDS = ["kwiaciarnia", "ceramika", "piekarnia", "warsztat", "zdrowie", "kancelaria", "szkola"];
const PRICES: Record<string, string> = { domain: "99,90 zł", ssl: "149,00 zł", hosting: "238,62 zł" };

interface Rendered {
  email: { subject: string; html: string; text: string };
  sms: string;
}

export interface ReminderSource {
  /** The logo every e-mail carries (a PNG of this many bytes). */
  logo: EmailAttachment;
  /** Notice `i` of a run (0-based); the same `i` always gives the same notice. */
  at(i: number, notBefore: Date): EmailNoticeInput | SmsNoticeInput;
  isEmail(i: number): boolean;
  /** Average bytes of e-mail HTML + text (UTF-8), over the first few hundred. */
  emailBytes(): number;
  close(): Promise<void>;
}

/** 70 % e-mail, 30 % SMS, interleaved the way a run over services would mix customers' preferences. */
export const isEmail = (i: number) => i % 10 < 7;

export function countEmails(n: number): number {
  return Math.floor(n / 10) * 7 + Math.min(n % 10, 7);
}

export async function reminderSource(db: Db, customers: number): Promise<ReminderSource> {
  const dir = await mkdtemp(join(tmpdir(), "hrdkit-bench-"));
  const logoPath = join(dir, "logo.png");
  await writeFile(logoPath, logoPng());
  const branding: NoticeBranding = {
    seller: { ...SELLER, logoPath },
    panelUrl: "https://panel.zolwhosting.pl",
  };
  const byKind = new Map<string, Rendered>();
  let logo: EmailAttachment | undefined;
  for (const kind of new Set(KINDS)) {
    const variables = {
      customerName: CUSTOMER,
      serviceKind: kind,
      serviceName: SERVICE,
      expiresOn: "14.02.2030",
      daysLeft: 30,
      renewalPrice: PRICES[kind],
      renewUrl: `https://panel.zolwhosting.pl/uslugi/${ID}/odnow`,
      proformaNumber: `PRO/2030/01/${ID}`,
    };
    const email = await renderNotice(db, {
      event: "renewal.reminder",
      channel: "email",
      language: "pl",
      variables,
      branding,
    });
    const framed = await layoutEmail({
      subject: email.subject!,
      html: email.html!,
      text: email.text,
      language: "pl",
      branding,
    });
    logo = framed.attachments[0];
    const sms = await renderNotice(db, {
      event: "renewal.reminder",
      channel: "sms",
      language: "pl",
      variables,
      branding,
    });
    byKind.set(kind, {
      email: { subject: email.subject!, html: framed.html, text: framed.text },
      sms: sms.text,
    });
  }
  if (!logo) throw new Error("layoutEmail gave no logo attachment");
  const theLogo = logo;

  const fill = (s: string, name: string, i: number, customer: string) =>
    s.replaceAll(SERVICE, name).replaceAll(ID, String(i)).replaceAll(CUSTOMER, customer);
  const at = (i: number, notBefore: Date): EmailNoticeInput | SmsNoticeInput => {
    const kind = KINDS[Math.floor(i / 10) % KINDS.length]!;
    const r = byKind.get(kind)!;
    const name =
      kind === "hosting" ? `Hosting Biznes ${i}` : `${WORDS[i % WORDS.length]}-${i.toString(36)}.pl`;
    const customerId = 1 + (i % customers);
    const customer = `${SURNAMES[customerId % SURNAMES.length]} ${customerId}`;
    const dedupeKey = `renewal.reminder:service ${i}:30d`;
    if (!isEmail(i)) {
      return {
        channel: "sms",
        event: "renewal.reminder",
        customerId,
        to: `+48${500_000_000 + i}`,
        from: SMS_SENDER,
        text: fill(r.sms, name, i, customer),
        dedupeKey,
        notBefore,
      };
    }
    return {
      channel: "email",
      event: "renewal.reminder",
      customerId,
      to: `klient${i}@example.pl`,
      from: { name: SELLER.name, address: SELLER.email },
      subject: fill(r.email.subject, name, i, customer),
      html: fill(r.email.html, name, i, customer),
      text: fill(r.email.text, name, i, customer),
      attachments: [theLogo],
      dedupeKey,
      notBefore,
    };
  };
  return {
    logo: theLogo,
    at,
    isEmail,
    emailBytes() {
      let sum = 0;
      let n = 0;
      for (let i = 0; n < 300; i++) {
        const x = at(i, new Date(0));
        if (x.channel !== "email") continue;
        sum += Buffer.byteLength(x.html) + Buffer.byteLength(x.text);
        n++;
      }
      return Math.round(sum / n);
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * A 200 × 48 RGB PNG shaped like a logo (a mark, lettering, anti-aliased edges) of a few KB, the
 * size a real one has: the test asset is 174 bytes, which would understate the attachment.
 */
export function logoPng(): Buffer {
  const w = 200;
  const h = 48;
  const raw = Buffer.alloc((w * 3 + 1) * h);
  let seed = 12345;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  for (let y = 0; y < h; y++) {
    const row = y * (w * 3 + 1);
    raw[row] = 0;
    for (let x = 0; x < w; x++) {
      const dx = x - 24;
      const dy = y - 24;
      const d = Math.sqrt(dx * dx + dy * dy);
      let [r, g, b] = [255, 255, 255];
      if (d < 20) {
        // The mark: a shell in the accent green, shaded, with a soft edge.
        const shade = 0.75 + 0.25 * Math.sin((x + y) / 5);
        const edge = Math.min(1, 20 - d);
        r = Math.round(255 - edge * (255 - 26 * shade));
        g = Math.round(255 - edge * (255 - 127 * shade));
        b = Math.round(255 - edge * (255 - 55 * shade));
      } else if (x > 54 && y > 14 && y < 34 && Math.sin(x / 3.1) * Math.cos(y / 2.3) + rnd() * 0.6 > 0.2) {
        // The lettering, anti-aliased.
        const ink = 40 + Math.round(rnd() * 60);
        [r, g, b] = [ink, ink, ink + 10];
      }
      raw[row + 1 + x * 3] = r;
      raw[row + 2 + x * 3] = g;
      raw[row + 3 + x * 3] = b;
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
