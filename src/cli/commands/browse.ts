// Node only (part of the CLI): `geodata browse`, the registry browser.
import { InvalidInputError } from '../../errors.js';
import type { Command } from '../command.js';
import { describeError } from '../../format.js';

export const browseCommand: Command = {
  name: 'browse',
  summary: 'a local web page that shows the whole cache: classes, entries, code history, graphs; clean and export from it',
  usage: '[--port N] [pipeline-module...]',
  options: { port: { type: 'string' } },
  positionals: { kind: 'modules' },
  async run(context, _args, values) {
    const port = parsePort(values.port);
    const progress = context.progress();
    const started = Date.now();
    const { startBrowseServer } = await import('../../registry-ui/server-node.js');
    const server = await startBrowseServer({
      port,
      onProgress: (p) => (p.state === 'building' && p.total > 0 ? progress.onProgress?.({ phase: p.phase, done: p.done, total: p.total }) : undefined),
    });
    context.print(`geodata browse: serving ${context.options.root} at ${server.url}`);
    context.warn('(listening on 127.0.0.1 only; press Ctrl+C to stop)');
    server.ready.then(
      () => {
        progress.done();
        context.warn(`indexed ${server.index.entries().length} entries in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      },
      (error: unknown) => {
        progress.done();
        context.warn(`geodata browse: error: indexing the cache failed: ${describeError(error)}`);
      },
    );
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.close();
    return 0;
  },
};

function parsePort(value: unknown): number {
  if (value === undefined) return 0;
  const port = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || port > 65535) {
    throw new InvalidInputError(`--port ${JSON.stringify(value)} must be a whole number from 0 to 65535 (0: any free port)`);
  }
  return port;
}
