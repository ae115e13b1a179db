/**
 * A browser-less web client for tests of the pages' HTTP behaviour (status, redirects,
 * cookies): one cookie jar, forms as application/x-www-form-urlencoded, redirects not followed.
 * Journeys that a person walks use chromium (browser.ts); this is for tables of many requests.
 */
export interface WebReply {
  status: number;
  location: string | null;
  setCookie: string | null;
  headers: Headers;
  text: string;
}

export interface WebClient {
  cookie: string;
  req(method: string, path: string, form?: Record<string, string>, headers?: Record<string, string>): Promise<WebReply>;
}

export function webClient(base: string): WebClient {
  let cookie = '';
  return {
    get cookie() {
      return cookie;
    },
    set cookie(c: string) {
      cookie = c;
    },
    async req(method, path, form, headers = {}) {
      const res = await fetch(`${base}${path}`, {
        method,
        redirect: 'manual',
        headers: { ...(cookie ? { cookie } : {}), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...headers },
        ...(form ? { body: new URLSearchParams(form).toString() } : {}),
      });
      const set = res.headers.get('set-cookie');
      if (set) cookie = set.split(';')[0]!;
      return { status: res.status, location: res.headers.get('location'), setCookie: set, headers: res.headers, text: await res.text() };
    },
  };
}

/** The CSRF token of the first form on a page. */
export const csrfOf = (html: string): string => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;

/** Logs in through the demo login page as `user` (someone the register confirms). */
export async function webLogin(base: string, user: string, terug = '/'): Promise<{ c: WebClient; res: WebReply }> {
  const c = webClient(base);
  const page = await c.req('GET', `/inloggen?terug=${encodeURIComponent(terug)}`);
  const res = await c.req('POST', '/inloggen', { _csrf: csrfOf(page.text), user, terug });
  return { c, res };
}
