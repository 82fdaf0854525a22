// PostGraphile 5 (amber preset + simplify-inflection + pg-aggregates) on the bench database, for
// comparison.
// Usage: node server.mjs <port>; DATABASE_URL names the database.
import { createServer } from "node:http";

import { PgAggregatesPreset } from "@graphile/pg-aggregates";
import { PgSimplifyInflectionPreset } from "@graphile/simplify-inflection";
import { postgraphile } from "postgraphile";
import { makePgService } from "postgraphile/adaptors/pg";
import { grafserv } from "postgraphile/grafserv/node";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";

const port = Number(process.argv[2]);
const preset = {
  extends: [PostGraphileAmberPreset, PgSimplifyInflectionPreset, PgAggregatesPreset],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: ["public"],
      // The same pool size as pledgegraph (DATABASE_POOL_SIZE) and the floor.
      poolConfig: { max: 10 },
    }),
  ],
  // A production setup: no GraphiQL, no schema watching, no EXPLAIN in responses.
  grafserv: { host: "127.0.0.1", port, graphiql: false, watch: false },
  grafast: { explain: false },
};

const pgl = postgraphile(preset);
const server = createServer();
pgl.createServ(grafserv).addTo(server);
server.listen(port, "127.0.0.1", () => console.log(`postgraphile listening on ${port}`));
