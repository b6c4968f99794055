import { createDb } from "./index.js";
import { seedDemo } from "./seed-demo.js";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is not set.");
  process.exit(1);
}
const db = createDb(url, { max: 1 });
try {
  const result = await seedDemo(db);
  console.log(result.created ? `demo account: ${result.email} / ${result.password}` : `demo account ${result.email} already exists`);
} finally {
  await db.destroy();
}
