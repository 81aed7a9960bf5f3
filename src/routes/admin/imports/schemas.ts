import { Type } from 'typebox'
import { DateTime, Nullable, StringEnum } from '../../../schemas/common.js'
import { EXTRA_CATEGORIES, IMPORT_KINDS, IMPORT_SOURCES, PRIMARY_TAG } from '../../../services/import/model.js'

const KindCounts = Type.Object(
  {
    created: Type.Integer(),
    updated: Type.Integer({ description: 'Imported before, changed in the source since' }),
    skipped: Type.Integer({ description: 'Imported before and unchanged, or linked to existing content of the same slug' }),
    failed: Type.Integer(),
  },
  { additionalProperties: false },
)

export const ImportJob = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    source: StringEnum(IMPORT_SOURCES),
    status: StringEnum(['queued', 'running', 'completed', 'failed'] as const),
    filename: Type.String(),
    bytes: Type.Integer(),
    dry_run: Type.Boolean({ description: 'Counts what would be created, updated and skipped; writes nothing' }),
    mapping: Type.Object(
      {
        extra_categories: StringEnum(EXTRA_CATEGORIES, { description: "WordPress: a post's categories after the first (its section) become tags, or are left out" }),
        primary_tag: StringEnum(PRIMARY_TAG, { description: "Ghost: the primary tag becomes the post's section, or stays a tag (posts go to Uncategorized)" }),
      },
      { additionalProperties: false, description: 'How the source taxonomy maps onto sections and tags' },
    ),
    counts: Type.Record(Type.String(), KindCounts, { description: `Per kind of item (${IMPORT_KINDS.join(', ')}), updated while the job runs` }),
    warnings: Type.Array(
      Type.Object({ item: Type.String({ description: 'The item in the source, e.g. post:42, comment:7, media:<url>' }), message: Type.String() }, { additionalProperties: false }),
      { description: 'What was not imported as such (the first 1,000)' },
    ),
    warnings_dropped: Type.Integer({ description: 'Warnings beyond those listed' }),
    error: Nullable(Type.String({ description: 'Why a failed job stopped (e.g. the file is not a WordPress export)' })),
    created_at: DateTime(),
    started_at: Nullable(DateTime()),
    finished_at: Nullable(DateTime()),
  },
  { description: 'An import job', additionalProperties: false },
)

/** The multipart body, for the documentation (the handler reads and checks it as a stream). */
export const ImportBodyDoc = Type.Object(
  {
    file: Type.String({ format: 'binary', description: 'The export file: a WordPress WXR (Tools → Export), at most IMPORT_MAX_BYTES' }),
    source: StringEnum(IMPORT_SOURCES.filter((s) => s !== 'newsroom')),
    dry_run: Type.Optional(StringEnum(['true', 'false'] as const)),
    extra_categories: Type.Optional(StringEnum(EXTRA_CATEGORIES, { description: "WordPress: the categories after a post's first become tags (`tags`, default) or are left out (`ignore`)" })),
    primary_tag: Type.Optional(StringEnum(PRIMARY_TAG, { description: "Ghost: the primary tag becomes the section (`section`, default) or stays a tag (`tag`)" })),
  },
  { required: ['file', 'source'] },
)
