import type { CommentsConfig } from '../../config.js'
import type { UnitOfWork } from '../../db/repositories/index.js'
import type { Clock } from '../../lib/clock.js'
import type { ContentEvents } from '../events.js'
import type { Permalinks } from '../permalinks.js'
import type { OutboxHandler } from '../outbox.js'
import { createAkismetClient } from './akismet.js'
import { blockChecks, createCommentBlocks } from './blocks.js'
import { AKISMET_FEEDBACK_TOPIC, createAkismetFeedbackHandler } from './feedback.js'
import { createCommentModeration } from './moderation.js'
import { createCommentService } from './public.js'
import { akismetStage, blocklistStage, blockStage, createSpamPipeline, duplicateStage, firstTimeStage, honeypotStage, linksStage } from './spam.js'

export interface CommentServiceDependencies {
  uow: UnitOfWork
  clock: Clock
  events: ContentEvents
  config: CommentsConfig
  permalinks: Permalinks
  outbox: { kick(): void }
  /** The container's topic → handler table: the Akismet feedback handler is added to it. */
  outboxHandlers: Record<string, OutboxHandler>
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void }
}

/** Comments, their spam pipeline, moderation and the block list, wired together. */
export function createCommentServices(deps: CommentServiceDependencies) {
  const { uow, clock, events, config, permalinks, log } = deps
  const repos = uow.repos
  const akismet = config.akismet ? createAkismetClient({ key: config.akismet.key, baseUrl: config.akismet.url, timeoutMs: config.akismet.timeoutMs }) : undefined
  deps.outboxHandlers[AKISMET_FEEDBACK_TOPIC] = createAkismetFeedbackHandler({ repos, akismet, permalinks })
  const pipeline = createSpamPipeline([
    duplicateStage(repos.comments),
    blockStage(blockChecks(repos)),
    honeypotStage(),
    linksStage(config.maxLinks),
    blocklistStage(config.blocklist),
    akismetStage(akismet, (error) => log.warn({ err: error instanceof Error ? error.message : String(error) }, 'Akismet unavailable: comment held for moderation')),
    firstTimeStage(repos.comments),
  ])
  return {
    comments: createCommentService({ uow, clock, events, pipeline, permalinks, closeAfterDays: config.closeAfterDays, log, kickOutbox: () => deps.outbox.kick() }),
    commentModeration: createCommentModeration({ uow, clock, events, permalinks, akismetEnabled: akismet !== undefined, kickOutbox: () => deps.outbox.kick() }),
    commentBlocks: createCommentBlocks({ uow, clock }),
  }
}
