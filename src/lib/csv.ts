/**
 * RFC 4180 CSV: fields separated by commas, records by CRLF or LF; a field in double quotes may
 * hold commas, line breaks and doubled quotes (`""`). A byte-order mark is ignored. An unclosed
 * quote is an error (the file was cut), never a silently merged record.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = []
  let record: string[] = []
  let field = ''
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0
  let quoted = false
  let fieldStarted = false
  const endField = () => {
    record.push(field)
    field = ''
    fieldStarted = false
  }
  const endRecord = () => {
    endField()
    // A blank line is no record.
    if (!(record.length === 1 && record[0] === '')) records.push(record)
    record = []
  }
  for (; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c !== '"') field += c
      else if (text[i + 1] === '"') {
        field += '"'
        i++
      } else quoted = false
      continue
    }
    if (c === '"' && !fieldStarted) {
      quoted = true
      fieldStarted = true
    } else if (c === ',') endField()
    else if (c === '\n') endRecord()
    else if (c === '\r') {
      if (text[i + 1] === '\n') i++
      endRecord()
    } else {
      field += c
      fieldStarted = true
    }
  }
  if (quoted) throw new Error('the file ends inside a quoted field')
  if (field !== '' || record.length > 0) endRecord()
  return records
}

/** Records as objects keyed by the header row's names (trimmed, lower-cased). */
export function csvObjects(text: string): { header: string[]; rows: Record<string, string>[] } {
  const [header = [], ...records] = parseCsv(text)
  const names = header.map((h) => h.trim().toLowerCase())
  return { header: names, rows: records.map((r) => Object.fromEntries(names.map((name, i) => [name, r[i] ?? '']))) }
}
