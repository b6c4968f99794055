import { expect, test } from "@playwright/test";
import { card, column, createPipelineWithLead, dragTo, expectHistory, seedContact } from "./pipelines-utils";
import { newEmail, signUp } from "./utils";

test("create a pipeline and a lead, move the lead, and see it in the history", async ({ page, javaScriptEnabled }) => {
  const orgName = `Funis ${Date.now()}`;
  await signUp(page, { name: "Paula Funil", email: newEmail("pipelines"), orgName });
  await seedContact(orgName, `Cliente ${orgName}`);
  const title = "Contrato anual";
  await createPipelineWithLead(page, orgName, title);

  if (!javaScriptEnabled) {
    // The "move to" form on the card.
    await card(page, title).getByText("Mover para…").click();
    await card(page, title).getByLabel("Etapa").selectOption({ label: "Qualificado" });
    await card(page, title).getByRole("button", { name: "Mover" }).click();
    await expect(column(page, "Qualificado").getByTestId("lead-card")).toContainText(title);
    await expect(column(page, "Novo").getByTestId("lead-card")).toHaveCount(0);
    await expect(column(page, "Qualificado").getByTestId("stage-total")).toHaveText("R$ 1.234,56");
    await expectHistory(page, title, "Novo → Qualificado");
    return;
  }

  // Mouse: drag the card onto "Proposta". It moves at once; the server confirms.
  const saved = page.waitForResponse((response) => response.url().includes("/move") && response.request().method() === "POST");
  await dragTo(page, card(page, title).getByTestId("drag-handle"), column(page, "Proposta"));
  await expect(column(page, "Proposta").getByTestId("lead-card")).toContainText(title);
  await expect(column(page, "Proposta").getByTestId("stage-count")).toHaveText("1");
  expect((await saved).status()).toBe(200);

  // Keyboard: pick it up with space, one stage to the right, drop with space.
  const handle = card(page, title).getByTestId("drag-handle");
  await handle.focus();
  await expect(handle).toBeFocused();
  const savedAgain = page.waitForResponse((response) => response.url().includes("/move") && response.request().method() === "POST");
  // Each step is announced (pt-BR) to screen readers; a user waits for it, and so does the test.
  const announcement = page.locator("[id^=DndLiveRegion]");
  await page.keyboard.press("Space");
  await expect(announcement).toContainText(/na etapa Proposta, posição 1 de 1/);
  await page.keyboard.press("ArrowRight");
  await expect(announcement).toContainText(`${title} está na etapa Negociação`);
  await page.keyboard.press("Space");
  await expect(announcement).toContainText(`${title} solto na etapa Negociação`);
  await expect(column(page, "Negociação").getByTestId("lead-card")).toContainText(title);
  expect((await savedAgain).status()).toBe(200);

  // What the server saved survives a reload.
  await page.reload();
  await expect(column(page, "Negociação").getByTestId("lead-card")).toContainText(title);
  await expectHistory(page, title, "Proposta → Negociação");
  await expect(page.getByTestId("lead-history")).toContainText("Novo → Proposta");
});

