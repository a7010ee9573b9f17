import type { Handler } from "./common.js";

/** Handlers for domain/privacySet, contactList, contactSet, whois, nsGroup*, host*, dnssec*, dnsInfo, dnsChange, keyed by `module/method`. */
export const dnsHandlers: Record<string, Handler> = {};
