// `npm run bench`: every benchmark, each reporting ratios against a baseline measured in the same run.
import { benchBulkCheck } from "./bulk-check.mjs";
import { benchCliCheck } from "./cli-check.mjs";
import { benchHotPath } from "./hot-path.mjs";
import { benchWire } from "./wire.mjs";

console.log("== wire: round trips, SDK vs raw frame client (target sdk/raw >= 0.9) ==");
console.table(await benchWire());
console.log("== hot path: client CPU per 100-name check, by step ==");
console.table(benchHotPath());
console.log("== bulk availability: 10 000 names in calls of 100, SDK checkMany vs raw ==");
console.table(await benchBulkCheck());
console.log("== hrdkit check: 10 000 names from a file, the command vs an SDK script (target >= 0.9) ==");
console.table(await benchCliCheck());
