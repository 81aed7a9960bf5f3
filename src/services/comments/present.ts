import type { CommentBlockRow } from '../../db/repositories/comment-blocks.js'
import type { CommentRecord, CommentRow } from '../../db/repositories/comments.js'
import type { AdminCommentBody, CommentBlockBody, PublicCommentBody, SubmittedCommentBody } from '../../schemas/comments.js'
import type { ModerationStatus } from './spam.js'
import type { SiteLinks } from '../permalinks.js'
import { avatarHash } from './policy.js'

/**
 * Output mappers for comments. The public ones allow-list fields: email, IP, user agent, referrer
 * and spam reasons exist only in the moderators' view.
 */
export const TOMBSTONE_BODY = '[deleted]'

type PublicFields = Pick<CommentRow, 'id' | 'parentId' | 'authorName' | 'authorEmail' | 'authorWebsite' | 'body' | 'createdAt' | 'isStaff'>

function publicFields(row: PublicFields) {
  return {
    id: row.id,
    parent_id: row.parentId,
    author_name: row.authorName,
    author_website: row.authorWebsite,
    avatar_hash: avatarHash(row.authorEmail),
    body: row.body,
    created_at: row.createdAt.toISOString(),
    is_staff: row.isStaff,
    deleted: false,
  }
}

export function presentPublicComment(row: PublicFields, replies: PublicCommentBody[]): PublicCommentBody {
  return { ...publicFields(row), replies }
}

/** A hidden comment that keeps its place in the thread because visible replies hang below it. */
export function presentTombstone(row: Pick<CommentRow, 'id' | 'parentId' | 'createdAt'>, replies: PublicCommentBody[]): PublicCommentBody {
  return {
    id: row.id,
    parent_id: row.parentId,
    author_name: null,
    author_website: null,
    avatar_hash: null,
    body: TOMBSTONE_BODY,
    created_at: row.createdAt.toISOString(),
    is_staff: false,
    deleted: true,
    replies,
  }
}

export function presentSubmitted(row: PublicFields, status: ModerationStatus): SubmittedCommentBody {
  return { ...publicFields(row), status }
}

export function presentAdminComment(row: CommentRecord, links: SiteLinks): AdminCommentBody {
  const url = links.articleIfDated({ id: row.articleId, slug: row.articleSlug, sectionSlug: row.articleSectionSlug, publishedAt: row.articlePublishedAt })
  return {
    id: row.id,
    article: { id: row.articleId, slug: row.articleSlug, title: row.articleTitle, url },
    parent_id: row.parentId,
    depth: row.depth,
    status: row.status,
    author_name: row.authorName,
    author_email: row.authorEmail,
    author_website: row.authorWebsite,
    avatar_hash: avatarHash(row.authorEmail),
    body: row.body,
    is_staff: row.isStaff,
    staff_user_id: row.staffUserId,
    ip: row.ip,
    user_agent: row.userAgent,
    referrer: row.referrer,
    spam_reasons: [...row.spamReasons],
    akismet: {
      result: row.akismetResult as AdminCommentBody['akismet']['result'],
      feedback: row.akismetFeedback as AdminCommentBody['akismet']['feedback'],
    },
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    approved_at: row.approvedAt ? row.approvedAt.toISOString() : null,
    version: row.version,
  }
}

export function presentBlock(row: CommentBlockRow): CommentBlockBody {
  return { id: row.id, kind: row.kind, value: row.value, reason: row.reason, created_by: row.createdBy, created_at: row.createdAt.toISOString() }
}
