import type { GdalEngine } from '../../../wasm/engine.js';
import { LiveClasses } from '../../cache/live-classes.js';
import { getConfig } from '../../config.js';
import type { BrowseActions } from './actions.js';
import type { BrowseIndex } from './browse-index.js';
import { handleAction } from './routes-actions.js';
import { handleRead } from './routes-read.js';
import { pageHtml, PAGE_SCRIPT_PATH, PAGE_STYLE_PATH } from './page-html.js';
import { PreviewCache } from './preview.js';
import { parseTarget } from './request-target.js';
import { body, failure, failureFor, securityHeaders, type BrowseRequest, type BrowseResponse } from './responses.js';

/** What the browser's request handler works with. */
export interface BrowseAppOptions {
  index: BrowseIndex;
  actions: BrowseActions;
  /** The per-server secret every POST must carry in `X-Geodata-Token`. */
  token: string;
  /** The page's bundled script and its stylesheet. */
  assets: { script: string | Uint8Array; style: string };
  /** GDAL, for footprints of CRSs proj4 does not know; started only when such a footprint is asked for. */
  engine?: () => GdalEngine;
  /** Shown in the page title (the store's name by default). */
  title?: string;
}

/** Everything a route handler gets. */
export interface RouteContext extends Required<Omit<BrowseAppOptions, 'engine' | 'title'>> {
  engine: (() => GdalEngine) | undefined;
  live: LiveClasses;
  previews: PreviewCache;
  layout: ReturnType<typeof getConfig>['layout'];
}

/** A request handler: one request in, one response out. */
export type BrowseApp = (request: BrowseRequest) => Promise<BrowseResponse>;

/**
 * The registry browser as a request handler, independent of any server: the page, its assets,
 * the JSON API, cache files, and the actions. GET never changes anything; POST needs the token
 * (and, when the browser sends an Origin, this server's own).
 * @example
 * const app = createBrowseApp({ index, actions, token, assets });
 * const response = await app({ method: 'GET', target: '/api/status', headers: { host: '127.0.0.1:8080' } });
 */
export function createBrowseApp(options: BrowseAppOptions): BrowseApp {
  const context: RouteContext = {
    index: options.index,
    actions: options.actions,
    token: options.token,
    assets: options.assets,
    engine: options.engine,
    live: new LiveClasses(),
    previews: new PreviewCache(),
    layout: getConfig().layout,
  };
  const html = pageHtml({ token: options.token, title: options.title ?? options.index.store.name });
  return async (request) => {
    const target = parseTarget(request.target);
    if (!target.ok) return failure(target.status, target.message);
    const path = target.segments;
    try {
      if (request.method === 'GET' || request.method === 'HEAD') {
        if (path.length === 0) return body(html, 'text/html; charset=utf-8');
        const joined = `/${path.join('/')}`;
        if (joined === PAGE_SCRIPT_PATH) return body(options.assets.script, 'text/javascript; charset=utf-8');
        if (joined === PAGE_STYLE_PATH) return body(options.assets.style, 'text/css; charset=utf-8');
        if (joined === '/favicon.ico') return { status: 204, headers: securityHeaders(), body: '' };
        return await handleRead(context, path, target.search);
      }
      if (request.method === 'POST') return await handleAction(context, request, path);
      const refused = failure(405, `method ${request.method} is not allowed: the browser answers GET, and POST for actions`);
      return { ...refused, headers: { ...refused.headers, allow: 'GET, HEAD, POST' } };
    } catch (error) {
      return failureFor(error);
    }
  };
}
