import { z } from "zod";
import { defineOp } from "./define.js";

/** `login` (root-level): opens the session of a connection. The transport calls it; users do not. */
export const login = defineOp({
  name: "login",
  effect: "read",
  summary: "Log in a connection with the partner's login and API password (type partnerApi).",
  input: z
    .object({
      login: z.string().min(1).max(32),
      pass: z.string().min(1).max(255),
      type: z.enum(["partnerApi", "partner", "special"]).default("partnerApi"),
    })
    .transform((v) => ({ login: v.login, pass: v.pass, type: v.type })),
  output: z.object({ token: z.string().optional() }),
  responsePath: [],
});

/** `token` (root-level): resumes a session on a new connection without the password. */
export const token = defineOp({
  name: "token",
  effect: "read",
  summary: "Resume a session with the token a previous login returned.",
  input: z
    .object({ token: z.string().regex(/^[A-Za-z0-9+/=]{1,255}$/, "must be a session token") })
    .transform((v) => ({ token: v.token })),
  output: z.object({}),
  responsePath: [],
});
