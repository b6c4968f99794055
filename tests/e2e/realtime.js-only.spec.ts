import { expect, test } from "@playwright/test";
import pg from "pg";
import { databaseUrlFor, testSecrets } from "../support/test-env";
import { E2E_DATABASE, E2E_REALTIME_PORT } from "./ports";
import { newEmail, signUp } from "./utils";

async function orgIdByName(name: string): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrlFor(E2E_DATABASE) });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>("SELECT id FROM organizations WHERE name = $1", [name]);
    return rows[0]!.id;
  } finally {
    await client.end();
  }
}

test("a signed-in page holds a live socket and refreshes its data when an event arrives", async ({ page }) => {
  const orgName = `Ao Vivo ${Date.now()}`;
  await signUp(page, { name: "Lia", email: newEmail("live"), orgName });
  await expect(page.getByTestId("live-status").first()).toHaveAttribute("data-status", "open");

  const revalidation = page.waitForRequest((request) => request.url().includes("_data=routes"));
  const published = await fetch(`http://127.0.0.1:${E2E_REALTIME_PORT}/internal/publish`, {
    method: "POST",
    headers: { Authorization: `Bearer ${testSecrets.REALTIME_SECRET}`, "Content-Type": "application/json" },
    body: JSON.stringify({ orgId: await orgIdByName(orgName), type: "conversation.updated", ids: { conversationId: "c1" } }),
  });
  expect(published.status).toBe(202);
  await revalidation;
});
