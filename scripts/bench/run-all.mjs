// `npm run bench`: every benchmark, each reporting ratios against a baseline measured in the same run.
import { benchWire } from "./wire.mjs";

console.log("== wire: domain/check, SDK vs raw frame client ==");
console.table(await benchWire());
