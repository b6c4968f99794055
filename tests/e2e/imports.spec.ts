import { readFile } from "node:fs/promises";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { newEmail, signUp } from "./utils";

// Saved by Brazilian Excel: Windows-1252, semicolons, CRLF, a note with a line break, a bad phone and a repeated one.
const fixture = path.resolve(import.meta.dirname, "../fixtures/contatos-excel.csv");

test("imports a CSV: upload, map the columns, watch it run, read the report", async ({ page }) => {
  await signUp(page, { name: "Iara", email: newEmail("import"), orgName: `Importadora ${Date.now()}` });
  await page.goto("/imports/new");
  await page.getByLabel("Arquivo CSV").setInputFiles(fixture);
  await page.getByRole("button", { name: "Enviar arquivo" }).click();
  await expect(page).toHaveURL(/\/imports\/[0-9a-f-]{36}$/);

  // The preview is decoded from Latin-1 and the guesses are already made.
  await expect(page.getByTestId("import-preview")).toContainText("Conceição Araújo");
  await expect(page.getByTestId("import-file-facts")).toContainText("ponto e vírgula");
  await expect(page.getByLabel("Nome", { exact: true })).toHaveValue("name");
  await expect(page.getByLabel("Celular", { exact: true })).toHaveValue("phone");
  await expect(page.getByLabel("E-mail", { exact: true })).toHaveValue("email");
  await expect(page.getByLabel("Etiquetas", { exact: true })).toHaveValue("tags");
  await page.getByLabel("Observação", { exact: true }).selectOption("newField");
  await page.getByLabel("Criar uma nova etiqueta").fill("Feira 2026");
  await page.getByRole("button", { name: "Importar contatos" }).click();

  // Live updates with JavaScript, a self-refreshing page without it.
  await expect(page.getByText("Importação concluída.")).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId("import-created")).toHaveText("3");
  await expect(page.getByTestId("import-errors")).toHaveText("2");
  await expect(page.getByText("Etiquetas aplicadas: Feira 2026")).toBeVisible();
  await expect(page.getByTestId("import-error-rows")).toContainText("Telefone inválido: 123");
  await expect(page.getByTestId("import-error-rows")).toContainText("Telefone repetido no arquivo (já está na linha 2).");

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Baixar erros (CSV)" }).click()]);
  const csv = await readFile((await download.path())!, "utf8");
  expect(csv.replace(/^\ufeff/, "").split(/\r?\n/).slice(0, 3)).toEqual([
    "Linha;Erro;Nome;Celular;E-mail;Etiquetas;Observação",
    "4;Telefone inválido: 123;Zé Sem Número;123;ze@example.com;;",
    "5;Telefone repetido no arquivo (já está na linha 2).;Conceição (de novo);+55 11 98765-4321;;;repetida",
  ]);

  await page.goto("/imports");
  await expect(page.getByRole("link", { name: "contatos-excel.csv" })).toBeVisible();
  await expect(page.getByTestId("import-status").first()).toHaveText("Concluída");

  await page.goto(`/contacts?q=${encodeURIComponent("Márcia")}`);
  await expect(page.getByText("Márcia Lopes")).toBeVisible();
});
