export const WORDS_PER_MINUTE = 225

export function countWords(text: string): number {
  let count = 0
  for (const token of text.split(/\s+/)) if (/[\p{L}\p{N}]/u.test(token)) count++
  return count
}

/** Minutes to read at 225 words a minute, rounded up; an empty body takes 0 minutes. */
export function readingTimeMinutes(wordCount: number): number {
  return Math.ceil(wordCount / WORDS_PER_MINUTE)
}
