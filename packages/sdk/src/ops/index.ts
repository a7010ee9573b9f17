/**
 * The registry: every operation the SDK speaks, keyed by `module/method`. The client's typed
 * methods (`client.domain.check(...)`), the sandbox's dispatch, the docs table and the
 * conformance tests are all derived from this one object — adding an operation is adding a line.
 */
import { actionInfo, actionList, pollAck, pollGet } from "./action.js";
import { certOperations } from "./cert.js";
import type { AnyOperation } from "./define.js";
import {
  domainBook,
  domainCheck,
  domainCreate,
  domainInfo,
  domainList,
  domainRenew,
  domainUpdate,
} from "./domain.js";
import { domainDnsOperations } from "./domain-dns.js";
import { domainTransferOperations } from "./domain-transfer.js";
import { futureOperations } from "./future.js";
import { newsOperations } from "./news.js";
import { getBalance, getPricingInfo, getPricings, getPricingsList, partnerOperations } from "./partner.js";
import { login, token } from "./session.js";
import { userCreate, userInfo, userList, userUpdate } from "./user.js";

export const operations = {
  "partner/getBalance": getBalance,
  "partner/getPricings": getPricings,
  "partner/getPricingsList": getPricingsList,
  "partner/getPricingInfo": getPricingInfo,
  "user/create": userCreate,
  "user/update": userUpdate,
  "user/info": userInfo,
  "user/list": userList,
  "domain/check": domainCheck,
  "domain/info": domainInfo,
  "domain/create": domainCreate,
  "domain/book": domainBook,
  "domain/renew": domainRenew,
  "domain/update": domainUpdate,
  "domain/list": domainList,
  "action/info": actionInfo,
  "action/list": actionList,
  "poll/get": pollGet,
  "poll/ack": pollAck,
  ...partnerOperations,
  ...domainTransferOperations,
  ...domainDnsOperations,
  ...futureOperations,
  ...certOperations,
  ...newsOperations,
} as const;

/** Session operations, sent by the transport itself. */
export const sessionOperations = { login, token } as const;

export type Operations = typeof operations;
export type OperationName = keyof Operations;

const byName: ReadonlyMap<string, AnyOperation> = new Map(
  Object.entries({ ...operations, ...sessionOperations }),
);

export function getOperation(name: string): AnyOperation | undefined {
  return byName.get(name);
}
