// imports messages: pt-BR is the source of keys; English must have every one.
export const importsPtBR = {
  "imports.title": "Importações",
} as const;

export const importsEn: Record<keyof typeof importsPtBR, string> = {
  "imports.title": "Imports",
};
