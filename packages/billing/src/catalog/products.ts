/**
 * HRD's certificate products, copied from the `product` enumeration of `cert/create` in api.xsd
 * (billing does not import the SDK). Keep in step with the XSD when HRD adds a product.
 */
export const SSL_PRODUCTS = [
  "Comodo Free Trial SSL",
  "Comodo SSL",
  "Comodo SSL + Wildcard",
  "Comodo EV SSL",
  "Instant SSL",
  "Positive SSL",
  "Positive SSL + Wildcard",
  "QuickSSL Basic",
  "QuickSSL Premium",
  "QuickSSL Premium Free Trial",
  "True BusinessID",
  "True BusinessID Wildcard",
  "True BusinessID + EV",
] as const;
export type SslProduct = (typeof SSL_PRODUCTS)[number];

/** Free trial certificates: ordered once, for one period, never renewed. */
export const SSL_TRIAL_PRODUCTS: readonly SslProduct[] = [
  "Comodo Free Trial SSL",
  "QuickSSL Premium Free Trial",
];

export function isSslTrial(product: string): boolean {
  return (SSL_TRIAL_PRODUCTS as readonly string[]).includes(product);
}
