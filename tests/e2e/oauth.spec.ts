import { expect, type Page, test } from "@playwright/test";
import { newEmail, signOut, signUp } from "./utils";

// tests/e2e/serve.ts runs the fake providers; their consent page stands in for Google's account chooser.
async function continueWithGoogle(page: Page, account: { email: string; name: string; verified?: boolean }) {
  await page.goto("/login");
  await page.getByRole("button", { name: "Continuar com Google" }).click();
  await expect(page.getByRole("heading", { name: "Fake Google" })).toBeVisible();
  await page.getByLabel("Email address").fill(account.email);
  await page.getByLabel("Full name").fill(account.name);
  if (account.verified === false) await page.getByLabel("Email is verified").uncheck();
  await page.getByRole("button", { name: "Allow" }).click();
}

test("a new person signs up with Google, creates the organization and reaches the dashboard", async ({ page }) => {
  await continueWithGoogle(page, { email: newEmail("google"), name: "Helena Costa" });
  await expect(page).toHaveURL(/\/orgs\/new$/);
  await expect(page.getByTestId("toast")).toContainText("Bem-vindo(a), Helena Costa!");

  await page.getByLabel("Nome da empresa").fill("Ateliê Helena");
  await page.getByRole("button", { name: "Criar organização" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByText("Olá, Helena Costa. Este é o painel de Ateliê Helena.")).toBeVisible();

  await signOut(page);
  await continueWithGoogle(page, { email: newEmail("other"), name: "Helena Costa", verified: false });
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByTestId("toast")).toContainText("Google não informou um e-mail verificado.");
});

test("Google signs an existing password account in with the same verified email", async ({ page }) => {
  const email = newEmail("linked");
  await signUp(page, { name: "Otávio Reis", email, orgName: "Oficina Reis" });
  await signOut(page);

  await continueWithGoogle(page, { email, name: "Otávio Reis" });
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByText("Olá, Otávio Reis. Este é o painel de Oficina Reis.")).toBeVisible();
});
