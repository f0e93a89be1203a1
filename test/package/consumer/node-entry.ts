// A Node project type-checked with moduleResolution "bundler" (tsconfig.bundler.json): Node-only
// exports imported from 'geodata', as the README's first pipeline and showProgress do.
import { createPoolEngine, fsStore, getConfig, showProgress } from 'geodata';

const stop = showProgress();
getConfig().update({ store: fsStore({ root: 'cache' }), engine: createPoolEngine({ workers: 1 }) });
stop();
