/** `/signoffs` pages: the stored sign-offs, each linking to the runs its blocks were measured in. */
import { Type } from '@fastify/type-provider-typebox';
import type { App, ServerContext } from '../app.ts';
import { RioError } from '../../../harness/src/errors.ts';
import { getSignoff, listSignoffs, signoffBlocks, signoffRuns } from '../../../harness/src/store/signoffs.ts';
import { signoffPage, signoffsPage } from '../views/signoffs-page.ts';

const HTML = 'text/html; charset=utf-8';

export function registerSignoffRoutes(app: App, ctx: ServerContext): void {
  app.get('/signoffs', { schema: {} }, async (_req, reply) => {
    const signoffs = await listSignoffs(ctx.store);
    return reply.type(HTML).send(signoffsPage(signoffs, await signoffRuns(ctx.store)));
  });
  app.get('/signoffs/:id', { schema: { params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 300 }) }) } }, async (req, reply) => {
    const s = await getSignoff(ctx.store, req.params.id);
    if (!s) throw new RioError('NOT_FOUND', `no sign-off ${req.params.id}`);
    return reply.type(HTML).send(signoffPage(s, await signoffBlocks(ctx.store, s.id)));
  });
}
