import { expect, test } from "@playwright/test";
import pg from "pg";
import { databaseUrlFor } from "../support/test-env";
import { E2E_DATABASE } from "./ports";
import { newEmail, signUp } from "./utils";

/** Templates as the sync job would leave them (the e2e server runs no worker and reaches no Graph API). */
async function seedTemplates(connectionId: string) {
  const client = new pg.Client({ connectionString: databaseUrlFor(E2E_DATABASE) });
  await client.connect();
  try {
    const { rows } = await client.query<{ org_id: string }>("SELECT org_id FROM channel_connections WHERE id = $1", [connectionId]);
    const body = (text: string) => JSON.stringify([{ type: "HEADER", format: "TEXT", text: "Pedido" }, { type: "BODY", text }, { type: "FOOTER", text: "Loja Exemplo" }]);
    await client.query(
      `INSERT INTO message_templates (org_id, connection_id, name, language, status, category, components) VALUES
       ($1, $2, 'pedido_enviado', 'pt_BR', 'APPROVED', 'UTILITY', $3),
       ($1, $2, 'promo_natal', 'pt_BR', 'REJECTED', 'MARKETING', $4)`,
      [rows[0]!.org_id, connectionId, body("Olá {{1}}, seu pedido {{2}} saiu para entrega."), body("Só hoje: {{1}} de desconto!")],
    );
  } finally {
    await client.end();
  }
}

test("a WhatsApp Cloud API connection's templates: status and category chips, highlighted placeholders, filters, sync now", async ({ page }) => {
  await signUp(page, { name: "Tina Templates", email: newEmail("templates"), orgName: "Loja Modelos" });

  await page.goto("/settings/channels/new?kind=whatsapp_cloud");
  await page.getByLabel("Nome do canal").fill("WhatsApp oficial");
  await page.getByLabel("ID do número de telefone").fill("106540352242922");
  await page.getByLabel("ID da conta do WhatsApp Business (WABA)").fill("102290129340398");
  await page.getByLabel("Token de acesso").fill("EAAG-e2e-token-0123456789abcdef");
  await page.getByLabel("Chave secreta do app").fill("e2e0app0secret0123");
  // Never a real host: the worker's sync goes to a closed loopback port (tests/e2e/serve.ts runs no Graph fake).
  await page.getByLabel("URL base da Graph API (avançado)").fill("https://127.0.0.1:9");
  await page.getByRole("button", { name: "Conectar" }).click();
  await expect(page).toHaveURL(/\/settings\/channels\/[0-9a-f-]{36}$/);
  const connectionId = page.url().split("/").pop()!;
  await seedTemplates(connectionId);

  await page.goto(`/settings/channels/${connectionId}/templates`);
  await expect(page.getByRole("heading", { name: /Modelos de mensagem/ })).toBeVisible();
  const rows = page.getByTestId("template-row");
  await expect(rows).toHaveCount(2);
  const sent = rows.filter({ hasText: "pedido_enviado" });
  await expect(sent.getByTestId("template-status")).toHaveText("Aprovado");
  await expect(sent.getByTestId("template-category")).toHaveText("Utilidade");
  await expect(sent.getByTestId("template-placeholder")).toHaveText(["{{1}}", "{{2}}"]);
  await expect(sent.getByTestId("template-body")).toContainText("seu pedido {{2}} saiu para entrega.");

  await page.getByRole("link", { name: /Rejeitado/ }).click();
  await expect(page).toHaveURL(/status=REJECTED/);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("promo_natal");

  await page.getByRole("link", { name: /Todos/ }).click();
  await page.getByRole("searchbox", { name: "Buscar pelo nome" }).fill("pedido");
  await page.getByRole("button", { name: "Filtrar" }).click();
  await expect(page).toHaveURL(/q=pedido/);
  await expect(rows).toHaveCount(1);

  await page.getByRole("button", { name: "Sincronizar agora" }).click();
  await expect(page.getByText("Sincronização iniciada. A lista se atualiza quando terminar.")).toBeVisible();
  await expect(rows).toHaveCount(1);
});
