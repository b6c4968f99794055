import { expect, test } from "@playwright/test";
import pg from "pg";
import { databaseUrlFor } from "../support/test-env";
import { E2E_DATABASE } from "./ports";
import { eventually, newEmail, signUp } from "./utils";

/** Three customers of the organization (and one who opted out), straight into the database. */
async function seedContacts(orgName: string) {
  const client = new pg.Client({ connectionString: databaseUrlFor(E2E_DATABASE) });
  await client.connect();
  const base = Number(String(Date.now()).slice(-7));
  try {
    await client.query(
      `INSERT INTO contacts (org_id, name, phone, opted_out, created_at)
       SELECT o.id, c.name, c.phone, c.opted_out, now() - c.age * interval '1 minute'
       FROM organizations o,
            (VALUES ('Ana Lima', $2, false, 4), ('Bruno Reis', $3, false, 3), ('Carla Dias', $4, false, 2), ('Davi Saiu', $5, true, 1)) AS c(name, phone, opted_out, age)
       WHERE o.name = $1`,
      [orgName, ...[0, 1, 2, 3].map((offset) => `+55119${String(base * 10 + offset).padStart(8, "0").slice(-8)}`)],
    );
  } finally {
    await client.end();
  }
}


test("build a campaign on the Sandbox, preview it, start it and watch it complete", async ({ page, javaScriptEnabled }) => {
  test.setTimeout(90_000);
  const orgName = `Loja Campanha ${Date.now()}`;
  await signUp(page, { name: "Gil Marketing", email: newEmail("campaigns"), orgName });
  await page.goto("/settings/channels");
  await page.getByRole("button", { name: "Criar Sandbox" }).click();
  await expect(page.getByTestId("connection-row").filter({ hasText: "Sandbox" })).toBeVisible();
  await seedContacts(orgName);

  await page.goto("/campaigns");
  await expect(page.getByText("Nenhuma campanha ainda.")).toBeVisible();
  await page.getByRole("link", { name: "Nova campanha" }).click();
  await page.getByLabel("Nome da campanha").fill("Promoção de verão");
  await expect(page.getByLabel("Canal de envio")).toHaveValue(/[0-9a-f-]{36}/);
  await page.getByRole("button", { name: "Criar rascunho" }).click();
  await expect(page).toHaveURL(/\/campaigns\/[0-9a-f-]{36}\/edit$/);

  // Everyone with a phone who did not opt out.
  await expect(page.getByTestId("audience-eligible")).toHaveText("3 vão receber");
  await expect(page.getByTestId("excluded-optedOut")).toHaveText("1 descadastrados");

  const text = page.getByLabel("Texto", { exact: true });
  if (javaScriptEnabled) {
    // The count follows the audience as it changes, before anything is saved.
    await page.getByLabel("Uma lista enviada").check();
    await page.getByLabel(/^Números/).fill("11 98765-4321\n(11) 98765-4321\n123456");
    await expect(page.getByTestId("audience-eligible")).toHaveText("1 vão receber");
    await expect(page.getByTestId("excluded-duplicatePhone")).toHaveText("1 números repetidos");
    await expect(page.getByTestId("excluded-invalidPhone")).toHaveText("1 números inválidos");
    await page.getByLabel("Todos os contatos").check();
    await expect(page.getByTestId("audience-eligible")).toHaveText("3 vão receber");
    // The variable picker writes the variable where the cursor is.
    await text.fill("Oi ");
    await page.getByLabel("Inserir variável").selectOption("first_name");
    await expect(text).toHaveValue("Oi {{first_name}}");
    await expect(page.getByTestId("campaign-preview")).toHaveText("Oi Ana");
  }
  await text.fill("{Oi|Olá} {{first_name|cliente}}, {{cidade}} chegou!");
  if (javaScriptEnabled) {
    // The preview follows the typing.
    await expect(page.getByTestId("campaign-preview")).toContainText("{{cidade}} chegou!");
  }
  await page.getByRole("button", { name: "Salvar rascunho" }).click();
  await expect(page.getByText("Variável desconhecida: {{cidade}}")).toBeVisible();

  await text.fill("{Oi|Olá} {{first_name|cliente}}, a promoção de verão chegou!");
  await page.getByRole("button", { name: "Salvar rascunho" }).click();
  await expect(page.getByTestId("toast").filter({ hasText: "Rascunho salvo." })).toBeVisible();
  await expect(page.getByTestId("campaign-preview")).toHaveText(/^(Oi|Olá) Ana, a promoção de verão chegou!$/);

  await page.getByRole("button", { name: "Iniciar envio" }).click();
  await expect(page).toHaveURL(/\/campaigns\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("toast").filter({ hasText: "Campanha iniciada: 3 destinatários, 1 ignorados." })).toBeVisible();
  await eventually(page, javaScriptEnabled, () => expect(page.getByTestId("campaign-status")).toHaveAttribute("data-status", "completed", { timeout: 1_000 }));
  await expect(page.getByTestId("campaign-processed")).toHaveText("4 de 4 processados");
  await expect(page.getByTestId("campaign-failed")).toHaveText("0");
  await expect(page.getByTestId("recipient-row")).toHaveCount(4);
  await expect(page.getByTestId("recipient-row").filter({ hasText: "Davi Saiu" })).toContainText("Descadastrado");

  await page.goto("/campaigns");
  const row = page.getByTestId("campaign-row").filter({ hasText: "Promoção de verão" });
  await expect(row.getByTestId("campaign-status")).toHaveText("Concluída");
  await expect(row).toContainText("4");
});
