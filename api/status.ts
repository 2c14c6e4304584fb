/** `/v1/status/*`: a single server is its own leader and only peer. */
import type { FastifyPluginAsync } from 'fastify';
import type { ApiDeps } from './app.ts';

export const statusRoutes: FastifyPluginAsync<{ deps: ApiDeps }> = async (app) => {
  const self = (): string => {
    const addr = app.server.address();
    return addr && typeof addr === 'object' ? `${addr.address}:${addr.port}` : '127.0.0.1:8300';
  };
  app.get('/v1/status/leader', async () => self());
  app.get('/v1/status/peers', async () => [self()]);
};
