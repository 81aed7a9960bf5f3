import type { UnitOfWork } from '../db/repositories/index.js'
import { AppError } from '../errors.js'
import type { Actor } from './actor.js'
import { audit } from './audit.js'

export interface NotificationSettings {
  notify_email: boolean
}

/** Each account's own choice of workflow emails (submissions, reviews, notes). */
export function createNotificationSettings(deps: { uow: UnitOfWork }) {
  const { uow } = deps
  async function read(actor: Actor): Promise<NotificationSettings> {
    const notifyEmail = await uow.repos.review.notifyEmail(actor.id)
    if (notifyEmail === undefined) throw new AppError('NOT_FOUND', 'No such account')
    return { notify_email: notifyEmail }
  }
  return {
    get: read,
    async update(actor: Actor, changes: Partial<NotificationSettings>): Promise<NotificationSettings> {
      if (changes.notify_email !== undefined) {
        const value = changes.notify_email
        await uow.transaction(async (repos) => {
          await repos.review.setNotifyEmail(actor.id, value)
          await audit(repos, actor, { action: 'user.notifications', entityType: 'user', entityId: actor.id, summary: `Workflow emails ${value ? 'on' : 'off'}`, changes: { notify_email: value } })
        })
      }
      return read(actor)
    },
  }
}
