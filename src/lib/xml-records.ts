
/** One element read from an XML file, with its children: a record is small (one post and its comments). */
export interface XmlNode {
  name: string
  attrs: Record<string, string>
  /** The element's own text (text and CDATA, concatenated). */
  text: string
  children: XmlNode[]
}

/** The file itself is unusable (not XML, not UTF-8, a DOCTYPE, too large a record): the whole import stops. */
export class XmlFileError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'XmlFileError'
  }
}

export interface XmlRecordOptions {
  /** Elements at this depth (the root is 1) are yielded, whole, one at a time. */
  recordDepth: number
  /** Longest text a record (or the stretch between two tags) may hold, in characters. */
  maxRecordChars?: number
  /** Longest prologue (XML declaration and comments before the root element), in characters. */
  maxPrologueChars?: number
}

const DEFAULT_MAX_RECORD = 64 * 1024 * 1024
const DEFAULT_MAX_PROLOGUE = 64 * 1024

/** The first child named `name`. */
export const child = (node: XmlNode, name: string): XmlNode | undefined => node.children.find((c) => c.name === name)
/** The text of the first child named `name` ('' when there is none). */
export const childText = (node: XmlNode, name: string): string => child(node, name)?.text ?? ''
export const childrenNamed = (node: XmlNode, name: string): XmlNode[] => node.children.filter((c) => c.name === name)

/**
 * Reads an XML document as a stream of records — the elements at `recordDepth` — never holding
 * more than one record and one chunk of the file. Also yields a record's ancestors' names as
 * `path`, so a caller can check it reads the format it expects.
 *
 * Hostile input is refused, not tolerated: a document type declaration (the only place entities
 * can be declared, so no "billion laughs" expansion and no external entity can ever be read),
 * an entity other than the five XML ones, bytes that are not UTF-8, an encoding other than UTF-8,
 * and a record or a run of text longer than `maxRecordChars`.
 */
export async function* readXmlRecords(open: () => AsyncIterable<Uint8Array>, options: XmlRecordOptions): AsyncGenerator<{ node: XmlNode; path: string[] }> {
  const maxRecord = options.maxRecordChars ?? DEFAULT_MAX_RECORD
  const maxPrologue = options.maxPrologueChars ?? DEFAULT_MAX_PROLOGUE
  // The XML parser is loaded for the archives that need it, not by every start; the source is
  // opened after it, right before it is read (a stream made earlier could flow, or fail to open,
  // with nobody listening yet).
  const { SaxesParser } = await import('saxes')
  const parser = new SaxesParser({ xmlns: false, position: true })
  const decoder = new TextDecoder('utf-8', { fatal: true })
  const stack: XmlNode[] = []
  const names: string[] = []
  const ready: { node: XmlNode; path: string[] }[] = []
  let rootSeen = false
  let prologue = ''
  let recordChars = 0
  let lastEvent = 0

  const fail = (message: string): never => {
    throw new XmlFileError(`${message} (line ${parser.line}, column ${parser.column})`)
  }
  parser.on('xmldecl', (decl) => {
    if (decl.encoding && !/^utf-?8$/i.test(decl.encoding)) fail(`The file declares the encoding ${decl.encoding}; only UTF-8 is supported (re-export it, or convert it with iconv)`)
  })
  parser.on('doctype', () => fail('The file has a document type declaration (<!DOCTYPE>); exports never do, and its entities are refused'))
  parser.on('opentag', (tag) => {
    rootSeen = true
    lastEvent = parser.position
    names.push(tag.name)
    if (names.length >= options.recordDepth) {
      const node: XmlNode = { name: tag.name, attrs: { ...(tag.attributes as Record<string, string>) }, text: '', children: [] }
      stack.at(-1)?.children.push(node)
      stack.push(node)
    }
  })
  parser.on('closetag', () => {
    lastEvent = parser.position
    if (names.length >= options.recordDepth) {
      const node = stack.pop()!
      if (stack.length === 0) {
        ready.push({ node, path: names.slice(0, -1) })
        recordChars = 0
      }
    }
    names.pop()
  })
  const onText = (text: string) => {
    lastEvent = parser.position
    const node = stack.at(-1)
    if (!node) return
    recordChars += text.length
    if (recordChars > maxRecord) fail(`A <${stack[0]!.name}> element is longer than ${maxRecord} characters`)
    node.text += text
  }
  parser.on('text', onText)
  parser.on('cdata', onText)

  let bytes = 0
  const feed = (text: string) => {
    if (!rootSeen) {
      prologue += text
      const start = prologue.search(/<[A-Za-z_]/)
      const head = start === -1 ? prologue : prologue.slice(0, start)
      if (/<!DOCTYPE|<!ENTITY/i.test(head)) fail('The file has a document type declaration (<!DOCTYPE>); exports never do, and its entities are refused')
      if (start === -1 && prologue.length > maxPrologue) fail(`No root element in the first ${maxPrologue} characters`)
      if (start !== -1) prologue = ''
    }
    try {
      parser.write(text)
    } catch (error) {
      if (error instanceof XmlFileError) throw error
      throw new XmlFileError(`The file is not well-formed XML: ${(error as Error).message}`)
    }
    if (parser.position - lastEvent > maxRecord) fail(`A run of text is longer than ${maxRecord} characters`)
  }

  for await (const chunk of open()) {
    let text: string
    try {
      text = decoder.decode(chunk, { stream: true })
    } catch {
      throw new XmlFileError(`The file is not valid UTF-8 (in the bytes after offset ${bytes}); only UTF-8 exports are supported`)
    }
    bytes += chunk.length
    feed(text)
    while (ready.length > 0) yield ready.shift()!
  }
  try {
    feed(decoder.decode())
  } catch (error) {
    if (error instanceof XmlFileError) throw error
    throw new XmlFileError('The file is not valid UTF-8 (it ends inside a character); only UTF-8 exports are supported')
  }
  if (!rootSeen) throw new XmlFileError('The file is empty or has no XML element')
  try {
    parser.close()
  } catch (error) {
    throw new XmlFileError(`The file is not well-formed XML: ${(error as Error).message}`)
  }
  while (ready.length > 0) yield ready.shift()!
}
