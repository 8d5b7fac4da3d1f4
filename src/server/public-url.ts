// The URL devices reach the API at (`UPDATEFORGE_PUBLIC_URL`, `serve --public-url`), from which
// the bundle links in update answers are made.

import { matchedUrl } from './route.js';

/** Whether `url` can be the public URL: http(s), a host, then optionally a path; no whitespace anywhere. */
export function isPublicUrl(url: string): boolean {
  return /^https?:\/\/[^/\s]+(\/\S*)?$/.test(url);
}

/** The origin devices reach this server at: the configured public URL, else the request's own. */
export function publicOrigin(request: Request, publicUrl: string | undefined): string {
  return publicUrl ?? matchedUrl(request).origin;
}
