/**
 * Type-level checks of the typed calls, enforced by `tsc -b` (not a vitest file): what a caller
 * must give, what is refused, and what comes back, as the generated `paths` say.
 */
import { createClient, type Schemas } from "@hrdkit/client";

const client = createClient({ baseURL: "http://127.0.0.1:8080", key: "hk_0.x" });

export async function typed(): Promise<unknown[]> {
  const customer = await client.get("/v1/billing/customers/{id}", { params: { path: { id: 1 } } });
  const name: string = customer.data.name;
  const page = await client.get("/v1/billing/customers", { params: { query: { limit: 10, cursor: "c" } } });
  const next: string | null = page.data.nextCursor;
  // Nothing required: the init may be left out.
  await client.get("/v1/billing/customers");
  // The Idempotency-Key is optional to the caller (the client makes one), and offered as an option.
  const created = await client.post("/v1/billing/customers", { body: { name: "Jan Kowalski" } });
  const id: number = created.data.id;
  await client.post("/v1/billing/customers", {
    body: { name: "Anna Nowak" },
    idempotencyKey: "whmcs-17-client",
  });
  const body: Schemas["QuoteOrderInput"] = {
    customerId: id,
    items: [{ serviceCode: "domain.pl.register", period: 1 }],
  };
  const quote = await client.post("/v1/billing/quotes", { body, retries: 0 });
  const gross: string = quote.data.totals.gross;

  // Files: a PDF comes as bytes, an XML document as text; a statement goes as bytes with its type.
  const pdf: Buffer = (await client.get("/v1/billing/invoices/{id}/pdf", { params: { path: { id: 1 } } }))
    .data;
  const xml: string = (await client.get("/v1/billing/invoices/{id}/fa3.xml", { params: { path: { id: 1 } } }))
    .data;
  await client.post("/v1/billing/statements", {
    params: { query: { format: "mt940" } },
    body: Buffer.from(":20:MT940"),
    contentType: "text/plain",
  });
  await client.post("/v1/billing/statements", {
    params: { query: { format: "csv" } },
    body: "",
    // @ts-expect-error a statement's media type must be one the route declares
    contentType: "application/json",
  });

  // @ts-expect-error the path parameter is required
  await client.get("/v1/billing/customers/{id}");
  // @ts-expect-error no such path
  await client.get("/v1/billing/customer");
  // @ts-expect-error the body is required
  await client.post("/v1/billing/customers", {});
  // @ts-expect-error a quote takes no Idempotency-Key
  await client.post("/v1/billing/quotes", { body, idempotencyKey: "quote-1" });
  // @ts-expect-error limit is a number
  await client.get("/v1/billing/customers", { params: { query: { limit: "10" } } });
  // @ts-expect-error there is no POST on a customer
  await client.post("/v1/billing/customers/{id}", { params: { path: { id: 1 } } });
  // @ts-expect-error a customer's name is a string
  await client.post("/v1/billing/customers", { body: { name: 1 } });
  return [name, next, gross, pdf, xml];
}
