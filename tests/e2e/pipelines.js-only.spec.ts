import { expect, test } from "@playwright/test";
import pg from "pg";
import { databaseUrlFor } from "../support/test-env";
import { E2E_DATABASE } from "./ports";
import { card, column, createPipelineWithLead, seedContact } from "./pipelines-utils";
import { newEmail, PASSWORD, signUp } from "./utils";

// Live board updates and optimistic drag and drop are JavaScript enhancements: this file runs only with JavaScript on.
test("another person's move shows up on an open board without reloading", async ({ page, browser }) => {
  const orgName = `Ao Vivo Funil ${Date.now()}`;
  const email = newEmail("live-board");
  await signUp(page, { name: "Rita", email, orgName });
  await seedContact(orgName, `Cliente ${orgName}`);
  const title = "Renovação";
  await createPipelineWithLead(page, orgName, title);
  await expect(page.getByTestId("live-status").first()).toHaveAttribute("data-status", "open");

  // A second session (another tab or device) moves the card through its "move to" form.
  const other = await browser.newContext({ javaScriptEnabled: false, baseURL: page.url() });
  const otherPage = await other.newPage();
  await otherPage.goto("/login");
  await otherPage.getByLabel("E-mail").fill(email);
  await otherPage.getByLabel("Senha").fill(PASSWORD);
  await otherPage.getByRole("button", { name: "Entrar" }).click();
  await otherPage.goto(page.url());
  await card(otherPage, title).getByText("Mover para…").click();
  await card(otherPage, title).getByLabel("Etapa").selectOption({ label: "Proposta" });
  await card(otherPage, title).getByRole("button", { name: "Mover" }).click();
  await expect(column(otherPage, "Proposta").getByTestId("lead-card")).toContainText(title);
  await other.close();

  await expect(column(page, "Proposta").getByTestId("lead-card")).toContainText(title);
  await expect(column(page, "Novo").getByTestId("lead-card")).toHaveCount(0);
});

test("a move the server refuses puts the card back and says so", async ({ page }) => {
  const orgName = `Recusa ${Date.now()}`;
  await signUp(page, { name: "Otto", email: newEmail("refused"), orgName });
  await seedContact(orgName, `Cliente ${orgName}`);
  const title = "Proposta recusada";
  await createPipelineWithLead(page, orgName, title);

  // Let the live socket open and any revalidation from creating the lead finish first: a refresh after
  // the delete below would drop the stage from the board before the card can be dropped on it.
  await expect(page.getByTestId("live-status").first()).toHaveAttribute("data-status", "open");
  await page.waitForLoadState("networkidle");
  await expect(column(page, "Qualificado")).toBeVisible();

  // Someone deletes the (empty) stage while this board still shows it.
  const client = new pg.Client({ connectionString: databaseUrlFor(E2E_DATABASE) });
  await client.connect();
  await client.query("DELETE FROM stages WHERE name = 'Qualificado' AND org_id = (SELECT id FROM organizations WHERE name = $1)", [orgName]);
  await client.end();

  const refused = page.waitForResponse((response) => response.url().includes("/move") && response.request().method() === "POST");
  // The keyboard drag is deterministic (a mouse drag under load can land in a neighbouring column).
  const handle = card(page, title).getByTestId("drag-handle");
  await handle.focus();
  const announcement = page.locator("[id^=DndLiveRegion]");
  await page.keyboard.press("Space");
  await expect(announcement).toContainText("na etapa Novo");
  await page.keyboard.press("ArrowRight");
  await expect(announcement).toContainText(`${title} está na etapa Qualificado`);
  await page.keyboard.press("Space");
  expect((await refused).status()).toBe(404);
  await expect(page.getByTestId("toast")).toContainText("Não foi possível mover o lead");
  await expect(column(page, "Novo").getByTestId("lead-card")).toContainText(title);
});
