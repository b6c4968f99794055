import path from "node:path";
import { expect, test } from "@playwright/test";
import { newEmail, signUp } from "./utils";

const faq = path.resolve(import.meta.dirname, "../fixtures/kb/loja-faq.md");

test("a knowledge base in offline mode: upload and paste, watch it index, search it, read the source", async ({ page }) => {
  await signUp(page, { name: "Bia", email: newEmail("kb"), orgName: `Loja da Bia ${Date.now()}` });
  await page.goto("/ai");
  await expect(page.getByTestId("ai-mode")).toHaveAttribute("data-mode", "offline");
  await expect(page.getByText("Modo offline")).toBeVisible();
  await page.getByRole("link", { name: "Bases de conhecimento" }).click();
  await page.getByRole("link", { name: "Nova base" }).click();
  await page.getByRole("button", { name: "Criar base" }).click();
  await expect(page.locator("#kb-name-error")).toBeVisible();
  await page.getByLabel("Nome").fill("FAQ da loja");
  await page.getByRole("button", { name: "Criar base" }).click();
  await expect(page.getByRole("heading", { name: "FAQ da loja" })).toBeVisible();

  await page.getByLabel("Arquivo", { exact: true }).setInputFiles(faq);
  await page.locator("form[action$='/upload']").getByRole("button", { name: "Adicionar" }).click();
  // Back on the knowledge base once the upload's redirect lands (the text form below is reset by it).
  await expect(page.getByTestId("kb-document")).toHaveCount(1);
  await page.getByLabel("Título", { exact: true }).fill("Aviso de feriado");
  await page.getByLabel("Texto").fill("No Carnaval a loja física fica fechada; o WhatsApp atende normalmente.");
  await page.locator("form:has(#kb-text)").getByRole("button", { name: "Adicionar" }).click();

  // Live events with JavaScript, a self-refreshing page without it.
  const documents = page.getByTestId("kb-document");
  await expect(documents).toHaveCount(2);
  await expect(page.locator('[data-testid="kb-document"][data-status="ready"]')).toHaveCount(2, { timeout: 20_000 });

  await page.getByLabel("Testar a busca").fill("vocês abrem no carnaval?");
  await page.getByRole("button", { name: "Buscar" }).click();
  const results = page.getByTestId("kb-search-results");
  await expect(results.locator("li").first()).toContainText("Carnaval");
  await page.getByLabel("Testar a busca").fill("dá pra parcelar no cartão?");
  await page.getByRole("button", { name: "Buscar" }).click();
  await expect(results.locator("li").first()).toContainText("10 vezes sem juros");
  await results.getByRole("link", { name: "loja-faq.md" }).first().click();
  await expect(page.getByTestId("kb-chunks")).toContainText("Trocas e devoluções");
});

test("the AI pages fit a 360 px phone", async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await signUp(page, { name: "Caio", email: newEmail("kb-phone"), orgName: `Loja do Caio ${Date.now()}` });
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  await page.goto("/ai/knowledge/new");
  await page.getByLabel("Nome").fill("Perguntas frequentes sobre entregas, trocas e garantias");
  await page.getByRole("button", { name: "Criar base" }).click();
  await expect(page.getByRole("heading", { name: "Perguntas frequentes sobre entregas, trocas e garantias" })).toBeVisible();
  await page.getByLabel("Endereço (URL)").fill("https://exemplo.com.br/politicas/trocas-e-devolucoes/prazo-de-arrependimento-e-garantia-legal");
  await page.locator("form:has(#kb-url)").getByRole("button", { name: "Adicionar" }).click();
  await expect(page.getByTestId("kb-document")).toHaveCount(1);
  expect(await overflow()).toBeLessThanOrEqual(0);
  for (const path of ["/ai", "/ai/knowledge", "/settings/ai"]) {
    await page.goto(path);
    expect({ path, overflow: await overflow() }).toEqual({ path, overflow: 0 });
  }
});
