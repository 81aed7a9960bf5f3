/** The one source of "now" for services, so schedules, expiries and throttles are testable. */
export interface Clock {
  now(): Date
}

export const systemClock: Clock = {
  now: () => new Date(),
}

/** A clock tests can move by hand. */
export function createManualClock(start: Date | string = new Date()): Clock & { set(at: Date | string): void; advance(ms: number): void } {
  let current = new Date(start).getTime()
  return {
    now: () => new Date(current),
    set(at) {
      current = new Date(at).getTime()
    },
    advance(ms) {
      current += ms
    },
  }
}
