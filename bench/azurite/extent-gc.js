// Why an in-memory Azurite stops answering for minutes in a long run (BENCHMARKS.md, section 7).
//
// In memory, Azurite 3.35 keeps every blob or message write as an extent of its own (MemoryExtentStore), listed in a
// LokiJS collection indexed on "id" (LokiExtentMetadataStore). Its garbage collector (blobs every 10 minutes, queues
// every minute) removes each dead extent with findAndRemove, one by one, and Node answers no request meanwhile. This
// times those removals with the LokiJS Azurite ships, for collections of growing size, 90 % of them dead.
//
//   node bench/azurite/extent-gc.js [sizes...]      (after `npm ci`; default sizes 2000 4000 8000)
"use strict";
const loki = require("lokijs");

const sizes = process.argv.slice(2).map(Number);
for (const size of sizes.length > 0 ? sizes : [2000, 4000, 8000]) {
  const extents = new loki("extents").addCollection("$EXTENTS_COLLECTION$", { indices: ["id"] });
  for (let i = 0; i < size; i++) {
    // Azurite's extent ids are random UUIDs: inserted in no particular order of id.
    extents.insert({ id: crypto.randomUUID(), locationId: "memory", size: 300, LastModifyInMS: Date.now() });
  }

  const dead = extents.find().map(extent => extent.id).filter((_, i) => i % 10 !== 0);
  const started = process.hrtime.bigint();
  for (const id of dead) {
    extents.findAndRemove({ id });
  }

  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`${size} extents, ${dead.length} dead: removed in ${seconds.toFixed(1)} s (${(seconds * 1e6 / dead.length).toFixed(0)} µs each)`);
}
