import { hrdDateTime } from "../clock.js";
import type { SandboxNews, SandboxState } from "../state.js";
import { type Handler, MESSAGES, num, pageAfter, SandboxRefusal, text } from "./common.js";

/** The sandbox's own messages for this area (HRD publishes no catalogue). */
const LOCAL = {
  noNews: "Wiadomość nie istnieje",
  badKey: "Nieprawidłowa nazwa ustawienia (1–255 znaków)",
  badValue: "Nieprawidłowa wartość ustawienia (1–255 znaków)",
  badEmail: (key: string) => `Nieprawidłowa wartość ustawienia ${key}: oczekiwano adresu e-mail`,
  badNameservers: (key: string) =>
    `Nieprawidłowa wartość ustawienia ${key}: oczekiwano 2–16 nazw serwerów DNS oddzielonych przecinkami`,
  badLanguage: (key: string) => `Nieprawidłowa wartość ustawienia ${key}: dozwolone pl lub en`,
} as const;

// ------------------------------------------------------------------ starting data

/**
 * Partner settings every sandbox starts with. HRD's real key names are not published (the API
 * only says `entry{key,value}`): these are the sandbox's own, chosen to look like what a partner
 * panel keeps. Any other key is accepted by `partner/setKey` as well.
 */
export const DEFAULT_PARTNER_KEYS: Readonly<Record<string, string>> = {
  notificationEmail: "powiadomienia@partner.example.pl",
  invoiceEmail: "faktury@partner.example.pl",
  defaultNameservers: "ns1.hrd.pl,ns2.hrd.pl",
  language: "pl",
};

/**
 * News every sandbox starts with (HRD's "komunikaty techniczne"; the texts are the sandbox's own).
 * They have the fixed ids 1–3, below the shared id sequence, so they never shift other ids.
 * `daysAgo` dates them before the sandbox's clock at the moment they are first needed.
 */
const DEFAULT_NEWS: (Omit<SandboxNews, "added"> & { daysAgo: number })[] = [
  {
    id: 1,
    title: "Prace serwisowe w rejestrze domen .pl",
    message:
      "W nocy z soboty na niedzielę, w godzinach 1:00–3:00, NASK prowadzi prace serwisowe systemu rejestracji domen .pl. W tym czasie rejestracje, odnowienia i zmiany serwerów DNS domen .pl mogą być wykonywane z opóźnieniem. Operacje zlecone przez API zostaną zrealizowane po zakończeniu prac.",
    archived: true,
    daysAgo: 45,
  },
  {
    id: 2,
    title: "Odnowienie certyfikatu TLS serwera API",
    message:
      "Certyfikat TLS serwera api.hrd.pl zostanie wkrótce odnowiony. Jeżeli Twoja integracja przypina certyfikat (certificate pinning), zaktualizuj zapisany odcisk. Połączenia weryfikujące certyfikat na podstawie zaufanych urzędów certyfikacji nie wymagają zmian.",
    archived: false,
    daysAgo: 10,
  },
  {
    id: 3,
    title: "Przypomnienie o odnowieniach domen przed końcem roku",
    message:
      "Przypominamy, że domeny wygasające na przełomie roku warto odnowić z wyprzedzeniem. Odnowienie wymaga wystarczających środków na saldzie partnera w chwili zlecenia operacji.",
    archived: false,
    daysAgo: 2,
  },
];

const seeded = new WeakSet<SandboxState>();

/**
 * Puts the starting partner settings and news into a state, once (later calls do nothing, so a
 * test may delete or change them). The handlers, `addNews` and the admin interface call it.
 */
export function seedPartnerDefaults(state: SandboxState): void {
  if (seeded.has(state)) return;
  seeded.add(state);
  for (const [key, value] of Object.entries(DEFAULT_PARTNER_KEYS)) {
    if (!state.keys.has(key)) state.keys.set(key, value);
  }
  const now = state.clock.nowMs();
  const defaults = DEFAULT_NEWS.filter((n) => !state.news.some((m) => m.id === n.id)).map(
    ({ daysAgo, ...n }): SandboxNews => ({ ...n, added: new Date(now - daysAgo * 86_400_000) }),
  );
  state.news.unshift(...defaults);
}

export interface NewNews {
  title: string;
  message: string;
  /** Default false. */
  archived?: boolean;
  /** Default: the sandbox clock's now. */
  added?: Date;
}

/**
 * Publishes a news item (as HRD would post a technical notice): it shows up in `news/list` and
 * `news/info`. Returns the stored item with its id.
 */
export function addNews(state: SandboxState, news: NewNews): SandboxNews {
  if (typeof news.title !== "string" || news.title.trim() === "") throw new TypeError("title is required");
  if (typeof news.message !== "string" || news.message.trim() === "") {
    throw new TypeError("message is required");
  }
  seedPartnerDefaults(state);
  const item: SandboxNews = {
    id: state.newId(),
    title: news.title,
    message: news.message,
    archived: news.archived ?? false,
    added: news.added ?? state.clock.now(),
  };
  state.news.push(item);
  return item;
}

// ------------------------------------------------------------------ settings

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const HOST = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i;

/** Values of the sandbox's known keys are checked; unknown keys take any 1–255 character value. */
function checkValue(key: string, value: string): void {
  if (/email$/i.test(key) && !EMAIL.test(value)) throw new SandboxRefusal(LOCAL.badEmail(key));
  if (key === "defaultNameservers") {
    const names = value.split(",").map((n) => n.trim());
    if (names.length < 2 || names.length > 16 || !names.every((n) => HOST.test(n))) {
      throw new SandboxRefusal(LOCAL.badNameservers(key));
    }
  }
  if (key === "language" && value !== "pl" && value !== "en")
    throw new SandboxRefusal(LOCAL.badLanguage(key));
}

const within = (s: string | undefined) => s !== undefined && s.length >= 1 && s.length <= 255;

const getKeys: Handler = (s) => {
  seedPartnerDefaults(s);
  return {
    partner: { getKeys: { entry: [...s.keys].map(([key, value]) => ({ key, value })) } },
  };
};

const setKey: Handler = (s, req) => {
  seedPartnerDefaults(s);
  const key = text(req, "key", false);
  const value = text(req, "value", false);
  if (!within(key)) throw new SandboxRefusal(`${MESSAGES.invalid}: ${LOCAL.badKey}`);
  if (!within(value)) throw new SandboxRefusal(`${MESSAGES.invalid}: ${LOCAL.badValue}`);
  checkValue(key!, value!);
  s.keys.set(key!, value!);
  return { partner: { setKey: null } };
};

// ------------------------------------------------------------------ news

const newsList: Handler = (s, req) => {
  seedPartnerDefaults(s);
  const last = num(req, "lastId", false) ?? 0;
  const ids = pageAfter(
    s.news.map((n) => n.id).sort((a, b) => a - b),
    (id) => id > last,
    s.pageSize,
  );
  return { news: { list: { id: ids } } };
};

const newsInfo: Handler = (s, req) => {
  seedPartnerDefaults(s);
  const id = num(req, "id")!;
  const n = s.news.find((x) => x.id === id);
  if (!n) throw new SandboxRefusal(LOCAL.noNews);
  return {
    news: {
      info: {
        title: n.title,
        message: n.message,
        archived: n.archived ? "true" : "false",
        added: hrdDateTime(n.added),
      },
    },
  };
};

/** Handlers for partner/resendTradeMail, getKeys, setKey, contact*; news/*, keyed by `module/method`. */
export const partnerHandlers: Record<string, Handler> = {
  "partner/getKeys": getKeys,
  "partner/setKey": setKey,
  "news/list": newsList,
  "news/info": newsInfo,
};
