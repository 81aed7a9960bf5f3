import { Type } from 'typebox'
import { DateTime, Nullable, StringEnum } from '../../../schemas/common.js'
import { IMPORT_KINDS, IMPORT_SOURCES } from '../../../services/import/model.js'

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
  },
  { required: ['file', 'source'] },
)
