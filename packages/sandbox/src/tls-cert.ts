import { generate } from "selfsigned";

export interface TlsMaterial {
  key: string;
  cert: string;
}

/**
 * A self-signed certificate for `localhost` and 127.0.0.1 / ::1, made at start. Clients trust it
 * by passing it as `ca` (the SDK keeps verification on; no opt-out needed for the sandbox).
 */
export async function makeSelfSignedCert(hostnames: string[] = []): Promise<TlsMaterial> {
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(Date.now() + 365 * 86_400_000);
  const pems = await generate([{ name: "commonName", value: "localhost" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: notBefore,
    notAfterDate: notAfter,
    extensions: [
      {
        name: "subjectAltName",
        altNames: [
          { type: 2 as const, value: "localhost" },
          ...hostnames.filter((h) => !/^[\d.:]+$/.test(h)).map((h) => ({ type: 2 as const, value: h })),
          { type: 7 as const, ip: "127.0.0.1" },
          { type: 7 as const, ip: "::1" },
          ...hostnames.filter((h) => /^[\d.:]+$/.test(h)).map((h) => ({ type: 7 as const, ip: h })),
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
