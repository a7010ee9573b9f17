import { type Sandbox, type SandboxOptions, startSandbox } from "@hrdkit/sandbox";
import { HrdClient, type HrdClientOptions } from "@hrdkit/sdk";

/** A sandbox and a client that trusts its certificate (verification stays on). */
export async function sandboxAndClient(
  sandboxOptions: SandboxOptions = {},
  clientOptions: Partial<HrdClientOptions> = {},
): Promise<{ sandbox: Sandbox; client: HrdClient; close: () => Promise<void> }> {
  const sandbox = await startSandbox({ actionDelayMs: 0, ...sandboxOptions });
  const client = new HrdClient({ ...sandbox.clientOptions(), retryMinDelayMs: 5, ...clientOptions });
  return {
    sandbox,
    client,
    close: async () => {
      await client.close();
      await sandbox.close();
    },
  };
}

export const PERSON = {
  type: "person" as const,
  idNumber: "44051401359",
  email: "jan.kowalski@example.com",
  landlinePhone: "+48 22 100 32 48",
  mobilePhone: "600 100 200",
  name: "Jan Kowalski",
  street: "ul. Marszałkowska 1",
  postcode: "00-001",
  city: "Warszawa",
  country: "PL",
};

export const COMPANY = {
  type: "company" as const,
  representative: "Anna Nowak",
  idNumber: "PL 123-456-32-18",
  email: "biuro@firma.example.com",
  landlinePhone: "+48.221003248",
  name: "Firma Sp. z o.o.",
  street: "ul. Prosta 20",
  postcode: "00-850",
  city: "Warszawa",
  country: "PL",
};

export const NS = ["ns1.hrd.pl", "ns2.hrd.pl"];
