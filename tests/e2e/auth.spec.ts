import { expect, test } from "@playwright/test";
import { newEmail, PASSWORD, signIn, signOut, signUp } from "./utils";

test("sign up, sign out and sign in again", async ({ page }) => {
  const email = newEmail("e2e");
  await signUp(page, { name: "Beatriz Lima", email, orgName: "Floricultura Bia" });
  await expect(page.getByRole("heading", { name: "Painel" })).toBeVisible();
  await expect(page.getByText("Olá, Beatriz Lima. Este é o painel de Floricultura Bia.")).toBeVisible();
  await expect(page.getByTestId("toast")).toContainText("Bem-vindo(a), Beatriz Lima!");

  await signOut(page);
  await signIn(page, email);
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByText("Floricultura Bia").first()).toBeVisible();
});

test("bad input is explained beside the field and nothing is lost", async ({ page }) => {
  await page.goto("/signup");
  await page.getByLabel("Seu nome").fill("Carlos");
  await page.getByLabel("E-mail").fill("carlos@");
  await page.getByLabel("Senha").fill("curta");
  await page.getByLabel("Nome da empresa").fill("Oficina do Carlos");
  await page.getByRole("button", { name: "Criar conta" }).click();
  await expect(page.getByText("Informe um e-mail válido.")).toBeVisible();
  await expect(page.getByText("A senha precisa de pelo menos 8 caracteres.")).toBeVisible();
  await expect(page.getByLabel("Seu nome")).toHaveValue("Carlos");
  await expect(page.getByLabel("Nome da empresa")).toHaveValue("Oficina do Carlos");
});

test("a wrong password is refused with a clear message", async ({ page }) => {
  const email = newEmail("wrongpw");
  await signUp(page, { name: "Davi", email, orgName: "Davi ME" });
  await signOut(page);
  await signIn(page, email, `${PASSWORD}-nope`);
  await expect(page.getByText("E-mail ou senha incorretos.")).toBeVisible();
  await expect(page).toHaveURL(/\/login$/);
});
