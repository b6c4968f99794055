import { expect, type Locator, type Page } from "@playwright/test";
import pg from "pg";
import { databaseUrlFor } from "../support/test-env";
import { E2E_DATABASE } from "./ports";

/** A contact straight into the database: creating contacts is the contacts pages' business, not this spec's. */
export async function seedContact(orgName: string, name: string) {
  const client = new pg.Client({ connectionString: databaseUrlFor(E2E_DATABASE) });
  await client.connect();
  try {
    const phone = `+55119${String(Date.now()).slice(-8)}`;
    await client.query("INSERT INTO contacts (org_id, name, phone) SELECT id, $2, $3 FROM organizations WHERE name = $1", [orgName, name, phone]);
  } finally {
    await client.end();
  }
}

export const column = (page: Page, stage: string) => page.getByTestId("stage-column").filter({ has: page.getByRole("heading", { name: stage, exact: true }) });
export const card = (page: Page, title: string) => page.getByTestId("lead-card").filter({ hasText: title });

export async function createPipelineWithLead(page: Page, orgName: string, leadTitle: string) {
  await page.goto("/pipelines");
  await page.getByLabel("Nome do funil").fill("Vendas");
  await page.getByRole("button", { name: "Criar funil" }).click();
  await expect(page.getByRole("heading", { name: "Vendas", level: 1 })).toBeVisible();
  for (const stage of ["Novo", "Qualificado", "Proposta", "Negociação"]) await expect(column(page, stage)).toBeVisible();

  await page.getByRole("link", { name: "Novo lead" }).first().click();
  await page.getByLabel("Título").fill(leadTitle);
  const contact = page.getByLabel("Contato", { exact: true });
  await contact.selectOption((await contact.locator("option", { hasText: `Cliente ${orgName}` }).getAttribute("value"))!);
  await page.getByLabel("Valor (BRL)").fill("1.234,56");
  await page.getByRole("button", { name: "Criar lead" }).click();
  await expect(card(page, leadTitle)).toBeVisible();
  await expect(column(page, "Novo").getByTestId("lead-card")).toContainText(leadTitle);
  await expect(column(page, "Novo").getByTestId("stage-total")).toHaveText("R$ 1.234,56");
  await expect(card(page, leadTitle)).toContainText(`Cliente ${orgName}`);
}

export async function expectHistory(page: Page, leadTitle: string, entry: string) {
  await card(page, leadTitle).getByRole("link", { name: leadTitle }).click();
  await expect(page.getByRole("heading", { name: leadTitle, level: 1 })).toBeVisible();
  await expect(page.getByTestId("lead-history").getByTestId("history-entry").first()).toContainText(entry);
  await expect(page.getByTestId("lead-history")).toContainText("Criado em Novo");
}

export async function dragTo(page: Page, handle: Locator, target: Locator) {
  const from = (await handle.boundingBox())!;
  const to = (await target.boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2 + 10, from.y + from.height / 2, { steps: 5 });
  await page.mouse.move(to.x + to.width / 2, to.y + 40, { steps: 20 });
  await page.mouse.up();
}

