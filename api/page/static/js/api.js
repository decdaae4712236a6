// The page's only way to the server: same-origin JSON requests, the optional read token, paging.

const TOKEN_KEY = "jamwatch.readToken";
export const API = "/api/v1";

/** An error answered by the API ({"error": {"code", "message"}}) or by the network. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** The read token kept for this browser tab, or null. */
export function readToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** Keep `token` for this tab (empty: forget it). */
export function setReadToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** The URL of `path` with the non-null `params` as its query. */
export function apiUrl(path, params = {}) {
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== "") url.searchParams.set(name, String(value));
  }
  return url;
}

/** GET `path` as JSON; throws ApiError with the server's code and message on failure. */
export async function getJson(path, params = {}, signal = undefined) {
  const headers = { Accept: "application/json" };
  const token = readToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(apiUrl(path, params), { headers, signal });
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    throw new ApiError(
      response.status,
      body?.error?.code ?? `http_${response.status}`,
      body?.error?.message ?? `${path} answered ${response.status} ${response.statusText}`,
    );
  }
  return response.json();
}

/**
 * Every item of an offset-paged list (`data` and `next_offset`), at most `maxPages` pages.
 * Returns {data, complete}; `complete` is false when pages were left unread.
 */
export async function allPages(path, params, signal, maxPages = 50) {
  const data = [];
  let offset = 0;
  for (let page = 0; page < maxPages; page += 1) {
    const body = await getJson(path, { ...params, limit: 1000, offset }, signal);
    data.push(...body.data);
    if (body.next_offset === null || body.next_offset === undefined) return { data, complete: true };
    offset = body.next_offset;
  }
  return { data, complete: false };
}

/** Run the async `tasks` (functions) with at most `limit` at a time; their results in order. */
export async function inParallel(tasks, limit = 4) {
  const results = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next;
      next += 1;
      results[index] = await tasks[index]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

function enumIn(schema) {
  if (!schema || typeof schema !== "object") return null;
  if (Array.isArray(schema.enum)) return schema.enum;
  for (const option of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) {
    const found = enumIn(option);
    if (found) return found;
  }
  return null;
}

/**
 * What this server offers, from its OpenAPI document: the band names and the optional
 * endpoints (outage reports, evidence) the page uses when they exist.
 */
export async function discover(signal) {
  const response = await fetch("/openapi.json", { signal });
  if (!response.ok) throw new ApiError(response.status, "no_openapi", "the server has no /openapi.json");
  const document = await response.json();
  const paths = document.paths ?? {};
  const band = (paths[`${API}/windows`]?.get?.parameters ?? []).find((p) => p.name === "band");
  return {
    bands: enumIn(band?.schema) ?? [],
    outages: paths[`${API}/outages`]?.get ?? null,
    evidence: paths[`${API}/evidence`]?.get ?? null,
  };
}
