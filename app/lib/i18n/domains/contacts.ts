// contacts messages: pt-BR is the source of keys; English must have every one.
export const contactsPtBR = {
  "contacts.title": "Contatos",
} as const;

export const contactsEn: Record<keyof typeof contactsPtBR, string> = {
  "contacts.title": "Contacts",
};
