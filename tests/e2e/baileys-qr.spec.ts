import { expect, test } from "@playwright/test";
import pg from "pg";
import { databaseUrlFor } from "../support/test-env";
import { E2E_DATABASE } from "./ports";
import { newEmail, signUp } from "./utils";

/** A WhatsApp (QR) connection in the signed-up organization, as Settings → Channels would create it. */
async function createBaileysConnection(orgName: string): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrlFor(E2E_DATABASE) });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(
      "INSERT INTO channel_connections (org_id, kind, name) SELECT id, 'whatsapp_baileys', 'WhatsApp da loja' FROM organizations WHERE name = $1 RETURNING id",
      [orgName],
    );
    return rows[0]!.id;
  } finally {
    await client.end();
  }
}

// With JavaScript the QR arrives live (channel.qr → revalidation); without, the page refreshes itself.
test("connecting a number by QR shows the code to scan", async ({ page }) => {
  const orgName = `QR ${Date.now()}`;
  await signUp(page, { name: "Rita", email: newEmail("qr"), orgName });
  const connectionId = await createBaileysConnection(orgName);

  await page.goto(`/settings/channels/${connectionId}/qr`);
  await expect(page.getByRole("heading", { name: "Conectar o WhatsApp pelo QR code" })).toBeVisible();
  await expect(page.getByTestId("qr-image")).toHaveCount(0);
  await page.getByRole("button", { name: "Conectar" }).click();
  await expect(page).toHaveURL(new RegExp(`/settings/channels/${connectionId}/qr$`));

  const qr = page.getByRole("img", { name: "QR code para conectar o WhatsApp" });
  await expect(qr).toBeVisible({ timeout: 15_000 });
  expect(await qr.getAttribute("src")).toMatch(/^data:image\/svg\+xml;base64,/);
  await expect(page.getByTestId("connection-status")).toHaveText("Aguardando QR code");
  await expect(page.getByRole("button", { name: "Desconectar este número" })).toBeVisible();
});
