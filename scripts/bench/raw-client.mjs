// The baseline: the smallest client that speaks HRD's wire correctly — TLS (verified), length-
// prefixed frames signed with SHA-512(xml ‖ key), login, then request/reply. Replies carry no
// signature on HRD's wire (PROTOCOL.md §1), so there is none to verify. No validation, no typed
// parsing: it only counts the <name> elements of a check reply and finds the <balance> of a
// balance reply. What the SDK adds is measured against it.
import { createHash } from "node:crypto";
import * as tls from "node:tls";

const NS = "http://api.hrd.pl/api/";

export async function rawConnect({ host, port, login, password, apiKey, ca }) {
  const key = Buffer.from(apiKey, "hex");
  const socket = await new Promise((resolve, reject) => {
    const s = tls.connect({ host, port, ca, servername: "localhost" }, () => resolve(s));
    s.once("error", reject);
  });
  socket.setNoDelay(true);
  let buf = Buffer.alloc(0);
  let waiter = null;
  socket.on("data", (chunk) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    if (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0) && waiter) {
      const n = buf.readUInt32BE(0);
      const frame = buf.subarray(4, 4 + n);
      buf = buf.subarray(4 + n);
      const w = waiter;
      waiter = null;
      w(frame.toString("utf8"));
    }
  });
  const send = (xml) => {
    const body = Buffer.from(xml);
    const sig = createHash("sha512").update(body).update(key).digest();
    const head = Buffer.alloc(4);
    head.writeUInt32BE(64 + body.length);
    return new Promise((resolve) => {
      waiter = resolve;
      socket.write(Buffer.concat([head, sig, body]));
    });
  };
  const reply = await send(
    `<?xml version="1.0" encoding="utf-8"?>\n<api xmlns="${NS}"><login><login>${login}</login><pass>${password}</pass><type>partnerApi</type></login></api>\n`,
  );
  if (!reply.includes("<status>ok</status>")) throw new Error("raw login failed");
  return {
    async check(names) {
      const xml = `<?xml version="1.0" encoding="utf-8"?>\n<api xmlns="${NS}"><domain><check>${names.map((n) => `<name>${n}</name>`).join("")}</check></domain></api>\n`;
      const r = await send(xml);
      let count = 0;
      for (let i = r.indexOf("<name"); i !== -1; i = r.indexOf("<name", i + 5)) count++;
      if (count !== names.length) throw new Error("raw check: short reply");
      return count;
    },
    async getBalance() {
      const r = await send(
        `<?xml version="1.0" encoding="utf-8"?>\n<api xmlns="${NS}"><partner><getBalance/></partner></api>\n`,
      );
      const at = r.indexOf("<balance>");
      if (at < 0) throw new Error("raw getBalance: no balance");
      return r.slice(at + 9, r.indexOf("</balance>", at));
    },
    close: () => socket.destroy(),
  };
}
