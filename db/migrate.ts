import { createDb } from "./index.js";
import { migrateToLatest } from "./migrator.js";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is not set. `npm start` sets it for the embedded Postgres; export it to migrate another database.");
  process.exit(1);
}
const db = createDb(url, { max: 1 });
try {
  await migrateToLatest(db, (line) => console.log(line));
  console.log("database is up to date");
} finally {
  await db.destroy();
}
