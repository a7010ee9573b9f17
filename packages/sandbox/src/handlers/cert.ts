import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
  verify,
} from "node:crypto";
import { CERT_CONTACT_ROLES, CERT_CONTACT_TITLES, DOMAIN_NAME_PATTERN, type ParsedObject } from "@hrdkit/sdk";
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  Name,
  Pkcs10CertificateRequest,
  SubjectAlternativeNameExtension,
  SubjectKeyIdentifierExtension,
  X509Certificate,
} from "@peculiar/x509";
import { addPeriod, hrdDateTime } from "../clock.js";
import { CERT_PRICES, type CertPrice, tldOf } from "../pricing.js";
import type { SandboxCert, SandboxCertContact, SandboxState } from "../state.js";
import {
  type Handler,
  hold,
  num,
  obj,
  pageAfter,
  periodOf,
  SandboxRefusal,
  text,
  userOf,
  years,
} from "./common.js";

/*
 * SSL certificates. Sandbox conventions (docs/guide/certificates.en.md):
 * - cert/create checks the CSR (PEM PKCS#10, valid self-signature, RSA ≥ 2048 bits), its CN (a
 *   domain; `*.` exactly for wildcard products), the approver e-mail (admin@, administrator@,
 *   hostmaster@, postmaster@ or webmaster@ of the CN's domain or a parent below the TLD) and the
 *   admin contact; any refusal charges nothing.
 * - status `awaitingApproval` from the order until the approver "clicks" the e-mail, APPROVAL_DELAY_MS
 *   of sandbox time after the order's action completes; then `issued` (cert/get returns a PEM
 *   certificate signed by the sandbox's own CA, one per sandbox); `expired` once the clock passes exDate.
 * - exDate = issue + period (trial products: 30 days). cert/renew puts the certificate back to
 *   `awaitingApproval` (cert/get still returns the current certificate) and, when approved, issues a
 *   new one valid from max(approval, old exDate) + period.
 */

/** Sandbox time between the order's action completing and the approver's click. */
export const APPROVAL_DELAY_MS = 10 * 60_000;
/** Validity of the free trial products. */
const TRIAL_DAYS = 30;
const APPROVER_LOCAL_PARTS = ["admin", "administrator", "hostmaster", "postmaster", "webmaster"];
const WILDCARD = new Set(["Comodo SSL + Wildcard", "Positive SSL + Wildcard", "True BusinessID Wildcard"]);

export const CERT_STATUS = {
  awaitingApproval: "awaitingApproval",
  issued: "issued",
  expired: "expired",
} as const;

const CERT_MESSAGES = {
  unknownProduct: "Nieznany produkt certyfikatu",
  badCsr: "CSR nie jest poprawnym żądaniem podpisania certyfikatu (PEM PKCS#10)",
  badCsrSignature: "Podpis CSR jest nieprawidłowy (CSR nie został podpisany kluczem, który zawiera)",
  weakKey: "Klucz RSA w CSR musi mieć co najmniej 2048 bitów",
  noCn: "CSR nie zawiera nazwy domeny w polu CN",
  badCn: "Pole CN w CSR nie jest poprawną nazwą domeny",
  wildcardRequired: "Produkt typu wildcard wymaga CSR z CN w postaci *.domena",
  wildcardForbidden: "Ten produkt nie obejmuje certyfikatów wildcard: CN w CSR nie może zaczynać się od *.",
  approver: "Adres e-mail zatwierdzającego (approverEmail) musi być jednym z adresów domeny",
  contactChoice: "Podaj dokładnie jedno z pól: adminContact albo certContactId",
  badContact: "Nieprawidłowe dane kontaktu administracyjnego",
  noContact: "Kontakt certyfikatu nie istnieje",
  contactOtherUser: "Kontakt certyfikatu należy do innego abonenta",
  period: "Nieprawidłowy okres: certyfikat można zamówić lub odnowić na 1–3 lata",
  noCert: "Certyfikat nie istnieje",
  notIssued:
    "Certyfikat nie został jeszcze wystawiony: zamówienie oczekuje na zatwierdzenie przez właściciela domeny",
  renewPending: "Certyfikat oczekuje na zatwierdzenie zamówienia lub odnowienia; nie można go teraz odnowić",
  trialNotRenewable: "Certyfikatu testowego nie można odnowić: zamów pełny produkt",
  csrOtherDomain: "Nowy CSR musi dotyczyć tej samej domeny co certyfikat",
} as const;

// ------------------------------------------------------------------ DER (just what a certificate needs)

function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const len = body.length;
  if (len < 0x80) return Buffer.concat([Buffer.from([tag, len]), body]);
  const bytes: number[] = [];
  for (let n = len; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Buffer.concat([Buffer.from([tag, 0x80 | bytes.length, ...bytes]), body]);
}
const seq = (...parts: Buffer[]) => der(0x30, ...parts);
/** AlgorithmIdentifier ecdsa-with-SHA256 (the sandbox CA's key is P-256). */
const ECDSA_SHA256 = Buffer.from("300a06082a8648ce3d040302", "hex");

function derTime(d: Date): Buffer {
  const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-:T]/g, "");
  const year = d.getUTCFullYear();
  return year >= 1950 && year < 2050
    ? der(0x17, Buffer.from(`${digits.slice(2)}Z`, "latin1"))
    : der(0x18, Buffer.from(`${digits}Z`, "latin1"));
}

function serialNumber(): Buffer {
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x7f) | 0x01;
  return der(0x02, b);
}

/** The raw TLVs inside a constructed DER element. */
function children(buf: Buffer): Buffer[] {
  const readHeader = (at: number) => {
    let i = at + 1;
    const first = buf[i++];
    if (first === undefined) throw new Error("truncated");
    let len = first;
    if (first & 0x80) {
      const n = first & 0x7f;
      if (n === 0 || n > 4) throw new Error("bad length");
      len = 0;
      for (let k = 0; k < n; k++) len = len * 256 + (buf[i++] ?? Number.NaN);
    }
    if (!Number.isFinite(len) || i + len > buf.length) throw new Error("truncated");
    return { contentStart: i, end: i + len };
  };
  const outer = readHeader(0);
  const out: Buffer[] = [];
  for (let at = outer.contentStart; at < outer.end; ) {
    const h = readHeader(at);
    out.push(buf.subarray(at, h.end));
    at = h.end;
  }
  return out;
}

const ext = (e: { rawData: ArrayBuffer }) => Buffer.from(e.rawData);
const keyId = (spki: Buffer) => createHash("sha1").update(spki).digest();

/** Builds and signs an X.509 v3 certificate with the CA key (synchronously: handlers are synchronous). */
function signCertificate(spec: {
  issuer: Buffer;
  subject: Buffer;
  notBefore: Date;
  notAfter: Date;
  spki: Buffer;
  extensions: Buffer[];
  key: KeyObject;
}): string {
  const tbs = seq(
    der(0xa0, der(0x02, Buffer.from([2]))),
    serialNumber(),
    ECDSA_SHA256,
    spec.issuer,
    seq(derTime(spec.notBefore), derTime(spec.notAfter)),
    spec.subject,
    spec.spki,
    der(0xa3, seq(...spec.extensions)),
  );
  const signature = sign("sha256", tbs, spec.key);
  const cert = seq(tbs, ECDSA_SHA256, der(0x03, Buffer.from([0]), signature));
  return new X509Certificate(cert).toString("pem");
}

// ------------------------------------------------------------------ the sandbox CA (one per sandbox)

interface Ca {
  key: KeyObject;
  name: Buffer;
  keyId: Buffer;
  pem: string;
}

const cas = new WeakMap<SandboxState, Ca>();

function caOf(state: SandboxState): Ca {
  const existing = cas.get(state);
  if (existing) return existing;
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const spki = publicKey.export({ type: "spki", format: "der" });
  const id = keyId(spki);
  const name = Buffer.from(
    new Name([{ C: ["PL"] }, { O: ["hrdkit sandbox"] }, { CN: ["hrdkit Sandbox CA"] }]).toArrayBuffer(),
  );
  const now = state.clock.nowMs();
  const pem = signCertificate({
    issuer: name,
    subject: name,
    notBefore: new Date(now - 365 * 86_400_000),
    notAfter: new Date(now + 50 * 365 * 86_400_000),
    spki,
    extensions: [
      ext(new BasicConstraintsExtension(true, undefined, true)),
      ext(new KeyUsagesExtension(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign, true)),
      ext(new SubjectKeyIdentifierExtension(id.toString("hex"))),
    ],
    key: privateKey,
  });
  const ca = { key: privateKey, name, keyId: id, pem };
  cas.set(state, ca);
  return ca;
}

// ------------------------------------------------------------------ CSR

interface Csr {
  pem: string;
  cn: string;
  spki: Buffer;
  keyType: string;
}

const HASHES: Record<string, string> = {
  "SHA-1": "sha1",
  "SHA-256": "sha256",
  "SHA-384": "sha384",
  "SHA-512": "sha512",
};

/** Parses and checks a PEM PKCS#10 request: structure, self-signature, key size, CN. */
function readCsr(pem: string): Csr {
  if (pem.length > 3000) throw new SandboxRefusal(`${CERT_MESSAGES.badCsr}: więcej niż 3000 znaków`);
  let csr: Pkcs10CertificateRequest;
  let spki: Buffer;
  let key: KeyObject;
  try {
    if (!/-----BEGIN (NEW )?CERTIFICATE REQUEST-----/.test(pem)) throw new Error("no armour");
    csr = new Pkcs10CertificateRequest(pem);
    spki = Buffer.from(csr.publicKey.rawData);
    key = createPublicKey({ key: spki, format: "der", type: "spki" });
  } catch {
    throw new SandboxRefusal(CERT_MESSAGES.badCsr);
  }
  // Proof of possession: the request is signed by the key it carries.
  let signedOk = true;
  try {
    const [info, , bits] = children(Buffer.from(csr.rawData));
    const signature = bits!.subarray(bits![1]! < 0x80 ? 3 : 2 + (bits![1]! & 0x7f) + 1);
    const alg = csr.signatureAlgorithm as { name: string; hash?: { name: string } };
    const hash = alg.hash ? HASHES[alg.hash.name] : undefined;
    if ((alg.name === "ECDSA" || alg.name === "RSASSA-PKCS1-v1_5") && hash)
      signedOk = verify(hash, info!, key, signature);
    else if (alg.name === "Ed25519" || alg.name === "EdDSA") signedOk = verify(null, info!, key, signature);
  } catch {
    signedOk = false;
  }
  if (!signedOk) throw new SandboxRefusal(CERT_MESSAGES.badCsrSignature);
  const bitsOfKey = key.asymmetricKeyDetails?.modulusLength;
  if (key.asymmetricKeyType === "rsa" && (bitsOfKey ?? 0) < 2048)
    throw new SandboxRefusal(CERT_MESSAGES.weakKey);
  const cn = csr.subjectName.getField("CN")[0]?.trim().toLowerCase();
  if (!cn) throw new SandboxRefusal(CERT_MESSAGES.noCn);
  const bare = cn.startsWith("*.") ? cn.slice(2) : cn;
  if (bare.length < 3 || bare.length > 255 || !DOMAIN_NAME_PATTERN.test(bare))
    throw new SandboxRefusal(`${CERT_MESSAGES.badCn}: ${cn}`);
  return { pem, cn, spki, keyType: key.asymmetricKeyType ?? "" };
}

/** The approver addresses the CA accepts for a CN: the usual mailboxes of it and its parents below the TLD. */
export function approverAddresses(state: SandboxState, cn: string): string[] {
  const labels = (cn.startsWith("*.") ? cn.slice(2) : cn).split(".");
  const tld = tldOf(labels.join("."), state.prices)?.tld;
  const minLabels = tld ? tld.split(".").length + 1 : 2;
  const domains: string[] = [];
  for (let i = 0; labels.length - i >= minLabels; i++) domains.push(labels.slice(i).join("."));
  return domains.flatMap((d) => APPROVER_LOCAL_PARTS.map((l) => `${l}@${d}`));
}

function checkApprover(state: SandboxState, cn: string, email: string): void {
  const allowed = approverAddresses(state, cn);
  if (!allowed.includes(email.trim().toLowerCase()))
    throw new SandboxRefusal(`${CERT_MESSAGES.approver} ${cn}: ${allowed.join(", ")}`);
}

// ------------------------------------------------------------------ admin contact

const S40 = /^[a-zA-Z0-9._ -]{1,40}$/;
const S200 = /^[a-zA-Z0-9,._ /-]{1,200}$/;
// The schema's lists, declared once in the SDK (the sandbox may import shared code from it).
const ROLES: readonly string[] = CERT_CONTACT_ROLES;

/** api.xsd `certAdminContactType`, in its order; `optional` fields may be absent. */
const CONTACT_FIELDS: { name: string; ok: (v: string) => boolean; optional?: boolean }[] = [
  { name: "title", ok: (v) => (CERT_CONTACT_TITLES as readonly string[]).includes(v) },
  { name: "firstName", ok: (v) => S40.test(v) },
  { name: "lastName", ok: (v) => S40.test(v) },
  { name: "organization", ok: (v) => S40.test(v) },
  { name: "taxId", ok: (v) => /^[a-zA-Z0-9-]{1,20}$/.test(v), optional: true },
  { name: "role", ok: (v) => ROLES.includes(v) },
  { name: "email", ok: (v) => v.length <= 40 && /^[a-zA-Z0-9._-]+@[a-zA-Z0-9._-]+$/.test(v) },
  { name: "phoneCC", ok: (v) => /^[0-9]{1,6}$/.test(v) },
  { name: "phoneN", ok: (v) => /^[0-9]{1,15}$/.test(v) },
  { name: "address", ok: (v) => S200.test(v) },
  { name: "address2", ok: (v) => S200.test(v), optional: true },
  { name: "city", ok: (v) => S40.test(v) },
  { name: "state", ok: (v) => S40.test(v) },
  { name: "postCode", ok: (v) => /^[a-zA-Z0-9_-]{1,15}$/.test(v) },
  { name: "country", ok: (v) => /^[A-Z]{2}$/.test(v) },
];

/** The contact's fields, or a refusal naming every bad one. */
function readContact(node: ParsedObject): Record<string, string> {
  const fields: Record<string, string> = {};
  const bad: string[] = [];
  for (const f of CONTACT_FIELDS) {
    const v = text(node, f.name, false);
    if (v === undefined) {
      if (!f.optional) bad.push(f.name);
      continue;
    }
    if (!f.ok(v)) bad.push(f.name);
    else fields[f.name] = v;
  }
  if (bad.length) throw new SandboxRefusal(`${CERT_MESSAGES.badContact}: ${bad.join(", ")}`);
  return fields;
}

// ------------------------------------------------------------------ issuing

function priceOf(product: string): CertPrice {
  const p = CERT_PRICES.find((x) => x.product === product);
  if (!p) throw new SandboxRefusal(CERT_MESSAGES.unknownProduct);
  return p;
}

const isTrial = (p: CertPrice) => p.renew === null;

function issue(state: SandboxState, cert: SandboxCert, at: Date): void {
  const ca = caOf(state);
  const csr = readCsr(cert.csr);
  const trial = isTrial(priceOf(cert.product));
  const from = cert.certificate && cert.exDate && cert.exDate > at ? cert.exDate : at;
  const exDate = trial
    ? addPeriod(at, TRIAL_DAYS, "d")
    : addPeriod(from, cert.period.value, cert.period.unit);
  const bare = csr.cn.startsWith("*.") ? csr.cn.slice(2) : csr.cn;
  const sans = csr.cn.startsWith("*.")
    ? [csr.cn, bare]
    : csr.cn.startsWith("www.")
      ? [csr.cn, bare]
      : [csr.cn, `www.${csr.cn}`];
  cert.certificate = signCertificate({
    issuer: ca.name,
    subject: Buffer.from(new Name([{ CN: [csr.cn] }]).toArrayBuffer()),
    notBefore: at,
    notAfter: exDate,
    spki: csr.spki,
    extensions: [
      ext(new BasicConstraintsExtension(false, undefined, true)),
      ext(
        new KeyUsagesExtension(
          csr.keyType === "rsa"
            ? KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment
            : KeyUsageFlags.digitalSignature,
          true,
        ),
      ),
      ext(new ExtendedKeyUsageExtension([ExtendedKeyUsage.serverAuth, ExtendedKeyUsage.clientAuth])),
      ext(new SubjectAlternativeNameExtension(sans.map((value) => ({ type: "dns" as const, value })))),
      ext(new SubjectKeyIdentifierExtension(keyId(csr.spki).toString("hex"))),
      ext(new AuthorityKeyIdentifierExtension(ca.keyId.toString("hex"))),
    ],
    key: ca.key,
  });
  cert.caCertificate = ca.pem;
  cert.exDate = exDate;
  cert.status = CERT_STATUS.issued;
  cert.approveAt = undefined;
}

/** On every tick: approvals that came due issue certificates; issued ones expire past exDate. */
function progressCerts(state: SandboxState, now: number): void {
  for (const cert of state.certs.values()) {
    if (cert.status === CERT_STATUS.awaitingApproval && cert.approveAt && cert.approveAt.getTime() <= now) {
      const action = cert.actionId === undefined ? undefined : state.actions.get(cert.actionId);
      if (action?.status === "pending") continue;
      issue(state, cert, cert.approveAt);
    }
    if (cert.status === CERT_STATUS.issued && cert.exDate && cert.exDate.getTime() <= now)
      cert.status = CERT_STATUS.expired;
  }
}

const hooked = new WeakSet<SandboxState>();
function hook(state: SandboxState): void {
  if (hooked.has(state)) return;
  hooked.add(state);
  state.tickHooks.push(progressCerts);
}

function certPeriod(req: ParsedObject): SandboxCert["period"] {
  const p = periodOf(req);
  const y = years(p);
  if (y < 1 || y > 3) throw new SandboxRefusal(CERT_MESSAGES.period);
  return p;
}

function certOf(state: SandboxState, id: number | undefined): SandboxCert {
  const c = id === undefined ? undefined : state.certs.get(id);
  if (!c) throw new SandboxRefusal(CERT_MESSAGES.noCert);
  return c;
}

/** When the approver will click: after the action completes, plus the approval delay. */
const approvalTime = (state: SandboxState) =>
  new Date(state.clock.nowMs() + state.actionDelayMs + APPROVAL_DELAY_MS);

// ------------------------------------------------------------------ handlers

const cert: Record<string, Handler> = {
  create: (s, req) => {
    hook(s);
    const product = text(req, "product")!;
    const price = priceOf(product);
    const approverEmail = text(req, "approverEmail")!;
    const csr = readCsr(text(req, "csr")!.trim());
    const wildcard = csr.cn.startsWith("*.");
    if (WILDCARD.has(product) && !wildcard) throw new SandboxRefusal(CERT_MESSAGES.wildcardRequired);
    if (!WILDCARD.has(product) && wildcard) throw new SandboxRefusal(CERT_MESSAGES.wildcardForbidden);
    checkApprover(s, csr.cn, approverEmail);
    const user = userOf(s, num(req, "userId"));
    const hasContact = req.adminContact !== undefined;
    const contactId = num(req, "certContactId", false);
    if (hasContact === (contactId !== undefined)) throw new SandboxRefusal(CERT_MESSAGES.contactChoice);
    let contact: SandboxCertContact | undefined;
    if (hasContact) {
      contact = { id: 0, userId: user.id, fields: readContact(obj(req.adminContact)) };
    } else {
      const existing = s.certContacts.get(contactId!);
      if (!existing) throw new SandboxRefusal(CERT_MESSAGES.noContact);
      if (existing.userId !== user.id) throw new SandboxRefusal(CERT_MESSAGES.contactOtherUser);
      contact = existing;
    }
    const insurance = text(req, "insurance") === "true";
    const period = certPeriod(req);
    const amount = isTrial(price) ? 0 : price.register * years(period);
    hold(s, amount);
    // Every check passed: nothing above changed the state.
    if (contact.id === 0) {
      contact.id = s.newId();
      s.certContacts.set(contact.id, contact);
    }
    const c: SandboxCert = {
      id: s.newId(),
      product,
      approverEmail: approverEmail.trim().toLowerCase(),
      csr: csr.pem,
      certContactId: contact.id,
      insurance,
      user: user.id,
      status: CERT_STATUS.awaitingApproval,
      period,
      domain: csr.cn,
      crDate: s.clock.now(),
      approveAt: approvalTime(s),
    };
    s.certs.set(c.id, c);
    const action = s.startAction({ type: "create", object: "cert", objectId: c.id, amount });
    c.actionId = action.id;
    return { cert: { create: { actionId: action.id, certId: c.id, certContactId: c.certContactId } } };
  },
  renew: (s, req) => {
    hook(s);
    const c = certOf(s, num(req, "id"));
    const price = priceOf(c.product);
    if (isTrial(price) || price.renew === null) throw new SandboxRefusal(CERT_MESSAGES.trialNotRenewable);
    if (c.status === CERT_STATUS.awaitingApproval) throw new SandboxRefusal(CERT_MESSAGES.renewPending);
    const period = certPeriod(req);
    const csrText = text(req, "csr", false);
    const csr = csrText === undefined ? undefined : readCsr(csrText.trim());
    if (csr && csr.cn !== c.domain) throw new SandboxRefusal(`${CERT_MESSAGES.csrOtherDomain} (${c.domain})`);
    const approverEmail = text(req, "approverEmail", false);
    if (approverEmail !== undefined) checkApprover(s, c.domain!, approverEmail);
    const amount = price.renew * years(period);
    hold(s, amount);
    if (csr) c.csr = csr.pem;
    if (approverEmail !== undefined) c.approverEmail = approverEmail.trim().toLowerCase();
    c.period = period;
    c.status = CERT_STATUS.awaitingApproval;
    c.approveAt = approvalTime(s);
    const action = s.startAction({ type: "renew", object: "cert", objectId: c.id, amount });
    c.actionId = action.id;
    // Answered under <cert><renew> (HRD's PHP client reads <cert><create>, a bug there).
    return { cert: { renew: { actionId: action.id, certId: c.id, certContactId: c.certContactId } } };
  },
  info: (s, req) => {
    const c = certOf(s, num(req, "id"));
    return {
      cert: {
        info: {
          certContactId: c.certContactId,
          approverEmail: c.approverEmail,
          insurance: c.insurance,
          product: c.product,
          status: c.status,
          user: c.user,
          crDate: c.crDate ? hrdDateTime(c.crDate) : undefined,
          exDate: c.exDate ? hrdDateTime(c.exDate) : undefined,
          csr: c.csr,
          domain: c.domain,
        },
      },
    };
  },
  get: (s, req) => {
    const c = certOf(s, num(req, "id"));
    if (!c.certificate) throw new SandboxRefusal(CERT_MESSAGES.notIssued);
    return { cert: { get: { key: c.certificate } } };
  },
  list: (s, req) => {
    const last = num(req, "lastId", false) ?? 0;
    const ids = pageAfter(
      [...s.certs.keys()].sort((a, b) => a - b),
      (id) => id > last,
      s.pageSize,
    );
    return { cert: { list: { id: ids } } };
  },
  contactInfo: (s, req) => {
    const id = num(req, "id");
    const contact = id === undefined ? undefined : s.certContacts.get(id);
    if (!contact) throw new SandboxRefusal(CERT_MESSAGES.noContact);
    const f = contact.fields;
    return {
      cert: {
        contactInfo: {
          ...Object.fromEntries(CONTACT_FIELDS.map((x) => [x.name, f[x.name]])),
          userId: contact.userId,
        },
      },
    };
  },
  contactList: (s, req) => {
    const last = num(req, "lastId", false) ?? 0;
    const ids = pageAfter(
      [...s.certContacts.keys()].sort((a, b) => a - b),
      (id) => id > last,
      s.pageSize,
    );
    return { cert: { contactList: { id: ids } } };
  },
};

/** Handlers for cert/* (SSL certificates), keyed by `module/method`. */
export const certHandlers: Record<string, Handler> = Object.fromEntries(
  Object.entries(cert).map(([k, h]) => [`cert/${k}`, h] as const),
);
