import { webcrypto } from "node:crypto";
import { HrdApiError } from "@hrdkit/sdk";
import { Pkcs10CertificateRequestGenerator } from "@peculiar/x509";
import type { ScenarioContext } from "./context.js";

/** A certificate request for `cn` with a fresh key (EC P-256 by default, or RSA 2048). */
export async function makeCsr(
  cn: string,
  keyType: "ec" | "rsa" = "ec",
): Promise<{ pem: string; spki: Buffer; keys: webcrypto.CryptoKeyPair }> {
  const alg =
    keyType === "ec"
      ? { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" }
      : {
          name: "RSASSA-PKCS1-v1_5",
          modulusLength: 2048,
          publicExponent: new Uint8Array([1, 0, 1]),
          hash: "SHA-256",
        };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const csr = await Pkcs10CertificateRequestGenerator.create(
    { name: [{ CN: [cn] }, { O: ["Sklep Testowy"] }, { C: ["PL"] }], keys, signingAlgorithm: alg },
    // Node's webcrypto is the provider; the cast bridges Node's and the DOM's Crypto types (a
    // package's types may pull in lib.dom, whose Crypto knows algorithms Node 20's types do not).
    webcrypto as unknown as Parameters<typeof Pkcs10CertificateRequestGenerator.create>[1],
  );
  const spki = Buffer.from(await webcrypto.subtle.exportKey("spki", keys.publicKey));
  return { pem: csr.toString("pem"), spki, keys };
}

/** An admin contact as api.xsd wants it (ASCII only). */
export const CERT_CONTACT = {
  title: "Mr" as const,
  firstName: "Jan",
  lastName: "Kowalski",
  organization: "Sklep Testowy",
  role: "Website Owner" as const,
  email: "jan.kowalski@example.com",
  phoneCC: "+48",
  phoneN: "221003248",
  address: "ul. Marszalkowska 1/2",
  city: "Warszawa",
  state: "mazowieckie",
  postCode: "00-001",
  country: "PL",
};

async function refused(call: Promise<unknown>, what: string): Promise<void> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof HrdApiError)) throw new Error(`${what}: expected an error reply, got ${String(err)}`);
}

/** Calls every operation of cert/*, including the error replies worth validating. */
export async function certScenario(ctx: ScenarioContext): Promise<void> {
  const c = ctx.client;
  const csr = await makeCsr("zgodnosc.pl");
  const created = await c.cert.create({
    product: "Positive SSL",
    approverEmail: "admin@zgodnosc.pl",
    csr: csr.pem,
    adminContact: { ...CERT_CONTACT, taxId: "PL1234563218", address2: "lok. 5" },
    insurance: true,
    userId: ctx.person,
    period: 1,
  });
  await refused(c.cert.get({ id: created.certId }), "cert/get before approval");
  await c.cert.info({ id: created.certId });
  await refused(
    c.cert.create({
      product: "Positive SSL",
      approverEmail: "ktos@zgodnosc.pl",
      csr: csr.pem,
      certContactId: created.certContactId,
      userId: ctx.person,
    }),
    "cert/create with a bad approver",
  );
  ctx.sandbox.clock.advance(10 * 60_000 + 1_000);
  await c.cert.get({ id: created.certId });
  await c.cert.renew({
    id: created.certId,
    period: 1,
    approverEmail: "hostmaster@zgodnosc.pl",
    csr: csr.pem,
  });
  await c.cert.info({ id: created.certId });
  const ids = await c.cert.list();
  await c.cert.list({ lastId: ids[0]! });
  await c.cert.contactInfo({ id: created.certContactId });
  await refused(c.cert.contactInfo({ id: 999_999 }), "cert/contactInfo (no contact)");
  const contacts = await c.cert.contactList();
  await c.cert.contactList({ lastId: contacts[0]! });
}
