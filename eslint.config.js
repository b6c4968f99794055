import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

// The classic compiler silently swaps a server module leaked into browser code for an empty one, so
// client code (components) may not import domain modules or any *.server file. Type-only imports are
// erased at compile time, so components may share the shapes their loaders return.
const serverOnly = {
  patterns: [
    { group: ["~/modules/**", "**/modules/**"], message: "Components must not import domain modules: pass data in from a route loader.", allowTypeImports: true },
    { group: ["**/*.server", "**/*.server.*"], message: "Server-only module: import it from a route or another .server file.", allowTypeImports: true },
  ],
};

export default tseslint.config(
  { ignores: ["build/**", "public/build/**", ".cache/**", ".data/**", "node_modules/**", "test-results/**", "playwright-report/**", "db/types.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
      "no-console": ["error", { allow: ["warn", "error"] }],
    },
  },
  { files: ["app/components/**", "app/lib/i18n/**", "app/entry.client.tsx"], rules: { "@typescript-eslint/no-restricted-imports": ["error", serverOnly] } },
  { files: ["public/sw.js"], languageOptions: { globals: { ...globals.serviceworker } } },
  { files: ["scripts/**", "db/**", "bench/**", "tests/**", "**/*.test.ts"], rules: { "no-console": "off" } },
);
