import type { CommentBlockKind } from '../../db/repositories/comment-blocks.js'
import type { Repositories, UnitOfWork } from '../../db/repositories/index.js'
import { AppError } from '../../errors.js'
import type { Clock } from '../../lib/clock.js'
import type { CommentBlockBody } from '../../schemas/comments.js'
import type { Actor } from '../actor.js'
import { audit } from '../audit.js'
import { canonicalBlock, cleanLine, ipMatches } from './policy.js'
import { presentBlock } from './present.js'

/** The block list's questions for the spam pipeline. */
export function blockChecks(repos: Repositories) {
  return {
    emailBlocked: async (email: string) => (await repos.commentBlocks.matchEmail(email)) !== undefined,
    ipBlocked: async (ip: string) => ipMatches(ip, (await repos.commentBlocks.list('ip')).map((b) => b.value)) !== undefined,
  }
}

/** Blocked commenters: an email, a whole email domain (`@example.com`), an IP address or a CIDR range. */
export function createCommentBlocks(deps: { uow: UnitOfWork; clock: Clock }) {
  const { uow, clock } = deps
  return {
    async list(kind?: CommentBlockKind): Promise<CommentBlockBody[]> {
      return (await uow.repos.commentBlocks.list(kind)).map(presentBlock)
    },

    async create(actor: Actor, input: { kind: CommentBlockKind; value: string; reason?: string | undefined }): Promise<CommentBlockBody> {
      const value = canonicalBlock(input.kind, input.value)
      if (!value) {
        const expected = input.kind === 'email' ? 'an email address or @domain' : 'an IP address or CIDR range'
        throw new AppError('UNPROCESSABLE', `value must be ${expected}`, { invalidParams: [{ name: 'body.value', reason: `must be ${expected}` }] })
      }
      return uow.transaction(async (repos) => {
        const row = await repos.commentBlocks.insert({ kind: input.kind, value, reason: cleanLine(input.reason ?? ''), createdBy: actor.id, createdAt: clock.now() })
        if (!row) throw new AppError('CONFLICT', `${value} is already blocked`)
        await audit(repos, actor, { action: 'comment_block.create', entityType: 'comment_block', entityId: row.id, summary: `Blocked ${input.kind} ${value}` })
        return presentBlock(row)
      })
    },

    async delete(actor: Actor, id: string): Promise<void> {
      await uow.transaction(async (repos) => {
        const row = await repos.commentBlocks.findById(id)
        if (!row || !(await repos.commentBlocks.delete(id))) throw new AppError('NOT_FOUND', 'No block has this id')
        await audit(repos, actor, { action: 'comment_block.delete', entityType: 'comment_block', entityId: id, summary: `Unblocked ${row.kind} ${row.value}` })
      })
    },
  }
}

export type CommentBlocks = ReturnType<typeof createCommentBlocks>
