/**
 * The offline embedder: no network, no model weights, same vector for the same text forever.
 * Words, word pairs and character n-grams are hashed into a fixed number of signed buckets
 * (feature hashing); a small pt-BR/en concept lexicon adds a shared token for common customer
 * words ("frete", "entrega", "shipping" → one concept), so a question and its paraphrase, or its
 * translation, share features. Vectors are L2-normalized: the dot product is the cosine.
 */
export const OFFLINE_EMBEDDING_MODEL = "offline-hash-v1";
export const OFFLINE_EMBEDDING_DIMENSIONS = 512;

const WORD_WEIGHT = 1;
const CONCEPT_WEIGHT = 1.6;
const BIGRAM_WEIGHT = 0.5;
const NGRAM_WEIGHT = 0.35;

const STOPWORDS = new Set(
  (
    "a o as os um uma uns umas de do da dos das no na nos nas em por para pra pro com sem e ou que se " +
    "eu voce voces ele ela eles elas nos meu minha seu sua nosso nossa isso isto esse essa este esta aquele " +
    "ao aos the an of to in on at for with by from and or is are was were be been am do does did i you he she " +
    "it we they my your our their this that these those me us them as if so but not nao sim ja tem ter ha " +
    "qual quais quando como onde porque por que pode posso podem vou vai fazer faz ser sao estou esta estao " +
    "can could would should will shall may might have has had there here what which who whom how why when where"
  ).split(" "),
);

/** Concept groups: any listed stem (accent-free, prefix match) adds the group's token. */
const CONCEPTS: Record<string, string[]> = {
  price: ["preco", "precos", "valor", "valores", "custo", "custa", "custam", "quanto custa", "quanto e", "price", "prices", "pricing", "cost", "costs", "how much", "fee", "fees", "taxa", "tarifa", "mensalidade"],
  shipping: ["frete", "entrega", "entregam", "entregar", "envio", "enviar", "envia", "shipping", "ship", "deliver", "delivery", "delivered", "correios", "transportadora", "courier"],
  hours: ["horario", "horarios", "funcionamento", "abre", "abrem", "aberto", "fecha", "fecham", "fechado", "expediente", "hours", "open", "opening", "close", "closing", "schedule"],
  payment: ["pagamento", "pagar", "pago", "pix", "cartao", "credito", "debito", "boleto", "parcela", "parcelar", "parcelado", "payment", "pay", "paying", "card", "credit", "debit", "installment", "installments"],
  refund: ["devolucao", "devolver", "troca", "trocar", "reembolso", "estorno", "arrependimento", "arrependi", "mandar de volta", "de volta", "return", "returns", "refund", "refunds", "exchange", "money back", "send back", "send it back"],
  location: ["endereco", "localizacao", "onde fica", "loja fisica", "address", "location", "located", "store", "visit", "visitar"],
  warranty: ["garantia", "defeito", "quebrou", "conserto", "assistencia", "warranty", "guarantee", "defect", "broken", "repair"],
  contact: ["telefone", "whatsapp", "email", "e-mail", "contato", "falar", "atendente", "humano", "phone", "contact", "call", "human", "agent", "support", "suporte"],
  time: ["prazo", "prazos", "demora", "demorar", "dias", "quanto tempo", "dias uteis", "how long", "days", "business days", "takes", "leva"],
  account: ["senha", "login", "conta", "cadastro", "acesso", "entrar", "password", "account", "sign in", "signin", "register", "access"],
  cancel: ["cancelar", "cancelamento", "cancela", "desistir", "cancel", "cancellation", "unsubscribe"],
  order: ["pedido", "pedidos", "compra", "comprei", "rastreio", "rastrear", "rastreamento", "order", "orders", "purchase", "bought", "tracking", "track"],
  discount: ["desconto", "descontos", "cupom", "promocao", "oferta", "discount", "discounts", "coupon", "promo", "promotion", "offer", "sale"],
  size: ["tamanho", "tamanhos", "medida", "medidas", "numeracao", "size", "sizes", "measurements", "fit"],
  stock: ["estoque", "disponivel", "disponibilidade", "esgotado", "stock", "available", "availability", "sold out", "in stock"],
};

export function foldText(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();
}

export function words(text: string): string[] {
  return foldText(text).match(/[a-z0-9]+/g) ?? [];
}

export function contentWords(text: string): string[] {
  return words(text).filter((word) => !STOPWORDS.has(word) && (word.length > 1 || /\d/.test(word)));
}

const conceptIndex = buildConceptIndex();

function buildConceptIndex() {
  const single = new Map<string, string>();
  const phrases: Array<{ phrase: string; concept: string }> = [];
  for (const [concept, stems] of Object.entries(CONCEPTS)) {
    for (const stem of stems) {
      const folded = foldText(stem);
      if (folded.includes(" ") || folded.includes("-")) phrases.push({ phrase: folded.replace(/-/g, " "), concept });
      else single.set(folded, concept);
    }
  }
  return { single, phrases };
}

function concepts(allWords: string[]): string[] {
  const found: string[] = [];
  for (const word of allWords) {
    const concept = conceptIndex.single.get(word);
    if (concept) found.push(concept);
  }
  const joined = ` ${allWords.join(" ")} `;
  for (const { phrase, concept } of conceptIndex.phrases) if (joined.includes(` ${phrase} `)) found.push(concept);
  return found;
}

/**
 * Words of the same concepts as the text's (single words only), taken in turns from each concept
 * so a cap on their number still covers every concept: the full-text side of retrieval adds them
 * to the query, so "mandar de volta" also looks for "devolução" and "reembolso".
 */
export function conceptSynonyms(text: string): string[] {
  const found = new Set(concepts(words(text)));
  const lists = Object.entries(CONCEPTS)
    .filter(([concept]) => found.has(concept))
    .map(([, stems]) => stems.map(foldText).filter((stem) => !stem.includes(" ") && !stem.includes("-") && !STOPWORDS.has(stem)));
  const longest = Math.max(0, ...lists.map((list) => list.length));
  const interleaved: string[] = [];
  for (let i = 0; i < longest; i++) for (const list of lists) if (list[i]) interleaved.push(list[i]);
  return interleaved;
}

/** FNV-1a, 32-bit: fast, stable across platforms and Node versions. */
function hash(feature: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < feature.length; i++) {
    h ^= feature.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function embedOffline(text: string, dimensions = OFFLINE_EMBEDDING_DIMENSIONS): number[] {
  const features = new Map<string, number>();
  const add = (feature: string, weight: number) => features.set(feature, (features.get(feature) ?? 0) + weight);

  const all = words(text);
  const content = all.filter((word) => !STOPWORDS.has(word) && (word.length > 1 || /\d/.test(word)));
  for (const word of content) {
    add(`w:${word}`, WORD_WEIGHT);
    const padded = `<${word}>`;
    for (let n = 3; n <= 5; n++) {
      for (let i = 0; i + n <= padded.length; i++) add(`c:${padded.slice(i, i + n)}`, NGRAM_WEIGHT);
    }
  }
  for (let i = 0; i + 1 < content.length; i++) add(`b:${content[i]}_${content[i + 1]}`, BIGRAM_WEIGHT);
  for (const concept of concepts(all)) add(`k:${concept}`, CONCEPT_WEIGHT);

  const vector = new Array<number>(dimensions).fill(0);
  for (const [feature, count] of features) {
    const h = hash(feature);
    // Sublinear term frequency: a word repeated ten times is not ten times as important.
    const weight = count > 1 ? 1 + Math.log(count) : count;
    vector[h % dimensions] += h & 0x80000000 ? -weight : weight;
  }
  return normalize(vector);
}

export function normalize(vector: number[]): number[] {
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  // An empty text still needs a unit vector: cosine against zeros is undefined in pgvector.
  if (norm === 0) return vector.map((_, index) => (index === 0 ? 1 : 0));
  return vector.map((value) => value / norm);
}

export function cosine(a: number[], b: number[]): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i] * b[i];
  return dot;
}
